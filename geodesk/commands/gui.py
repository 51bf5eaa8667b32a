"""``geodesk [open] [FILE]`` and ``geodesk demo``: the workstation window (PySide6 loads lazily).

Both accept ``--screenshot PNG`` to render the window offscreen at a fixed size and exit,
``--inline/--crossline/--time/--gather`` to choose the section shown and ``--project PATH`` to
open a project (``demo``: where the demo project lives; by default ``demo.geodesk`` next to the
cached demo files, created on first start and kept, picks included, between runs).
"""

from __future__ import annotations

import argparse
import os
import sys

from geodesk.commands.outputs import declare_io

BYTE_FLAGS = (("--iline", "iline"), ("--xline", "xline"), ("--cdp-x", "cdp_x"),
              ("--cdp-y", "cdp_y"), ("--cdp", "cdp"), ("--offset", "offset"),
              ("--ffid", "ffid"), ("--channel", "channel"))


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--screenshot", metavar="PNG", help="render the window offscreen, save, exit")
    p.add_argument("--inline", type=int, help="show this inline")
    p.add_argument("--crossline", type=int, help="show this crossline")
    p.add_argument("--time", type=float, metavar="MS", help="show the time slice at MS")
    p.add_argument("--gather", type=int, metavar="KEY", help="show this gather (FFID or CDP)")
    p.add_argument("--display", choices=("density", "wiggle", "va", "wiggle_density"),
                   help="display mode")
    p.add_argument("--colormap", help="colormap name (seismic, gray, petrel, bwr, viridis)")
    p.add_argument("--agc", type=float, metavar="MS", help="apply AGC with this window")
    p.add_argument("--project", metavar="PATH", help="open this project (a .geodesk folder)")


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("open", help="open the window, optionally with a SEG-Y/SU file")
    p.add_argument("file", nargs="?", help="SEG-Y or SU file")
    for flag, dest in BYTE_FLAGS:
        p.add_argument(flag, dest=dest, type=int, metavar="BYTE", help=f"{dest} header byte")
    p.add_argument("--kind", choices=("post3d", "post2d", "prestack"), help="force the kind")
    p.add_argument("--su", action="store_true", default=None, help="Seismic Unix file")
    _common(p)
    declare_io(p, inputs=("file", "project"), outputs={"screenshot": "png"})
    p.set_defaults(func=run)
    d = subparsers.add_parser("demo", help="open the synthetic demo survey")
    d.add_argument("--which", choices=("post3d", "shots", "cmps"), default="post3d")
    _common(d)
    declare_io(d, inputs=("project",), outputs={"screenshot": "png"})
    d.set_defaults(func=run, command="demo")


def _choose(window, args) -> None:
    if args.display:  # for this run only: the user's saved defaults stay
        window.set_mode(args.display, remember=False)
    if args.colormap:
        window.set_colormap(args.colormap, remember=False)
    if args.agc:
        window.view.set_agc(True, args.agc)
        window.agc_action.setChecked(True)
    for mode, value in (("inline", args.inline), ("crossline", args.crossline),
                        ("time", args.time), ("gather", args.gather)):
        if value is not None:
            if window.survey is None or mode not in _modes(window.survey):
                from geodesk.commands import CommandError

                raise CommandError(f"--{mode} does not apply to this file")
            window.go_to(mode, value)


def _fail(window, message: str) -> None:
    from geodesk.commands import CommandError

    window.close()
    raise CommandError(message or "cannot open the project")


def _modes(survey) -> tuple[str, ...]:
    from geodesk.qt.views.navigator import modes_for

    return modes_for(survey)


def _route_qt_messages(verbose: bool) -> None:
    """Qt's own notes (e.g. the offscreen plugin's) on stderr: one line each with --verbose,
    none otherwise; critical and fatal messages always."""
    import sys

    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    def handler(kind, _context, message: str) -> None:
        if verbose or kind in (QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg):
            print(f"geodesk: qt: {(message.splitlines() or [''])[0]}", file=sys.stderr)
        if kind == QtMsgType.QtFatalMsg and "platform plugin" in message:
            from geodesk.qt.platform_check import hint

            print(hint(), file=sys.stderr)  # what to install, instead of Qt's abort
            sys.stderr.flush()
            os._exit(1)

    qInstallMessageHandler(handler)


def run(args: argparse.Namespace) -> int:
    if args.screenshot and not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import geodesk
    from geodesk.commands import CommandError

    if args.command == "demo" and args.project:
        parent = os.path.dirname(os.path.abspath(args.project))
        if not os.path.isdir(parent):
            raise CommandError(f"folder {parent} for the demo project does not exist; create it "
                               "first or give another --project")
    survey = demo = None
    if args.command == "demo" and args.screenshot:  # no window to keep alive: build in line
        from geodesk.synth.demo import demo_paths

        demo = demo_paths()
    elif args.command == "open" and args.file:
        overrides = {dest: getattr(args, dest) for _f, dest in BYTE_FLAGS
                     if getattr(args, dest) is not None}
        for key in ("kind", "su"):
            if getattr(args, key) is not None:
                overrides[key] = getattr(args, key)
        survey = geodesk.open(args.file, **overrides)  # errors: one line, exit code 2
    elif args.screenshot is None and any(
            getattr(args, k) is not None for k in ("inline", "crossline", "time", "gather")):
        raise CommandError("--inline/--crossline/--time/--gather need a FILE")

    from geodesk.qt import platform_check

    if platform_check.uses_xcb():  # Qt would abort without them: name the packages instead
        missing = platform_check.missing_libraries()
        if missing:
            print(platform_check.hint(missing), file=sys.stderr)
            return 1
    from geodesk.ml.run.device import limit_threads_beside_gui
    from geodesk.qt.app import get_app, install_excepthook, screenshot
    from geodesk.qt.main_window import MainWindow
    from geodesk.qt.settings import add_recent_file

    limit_threads_beside_gui()  # models run in jobs beside the GUI thread
    _route_qt_messages(bool(getattr(args, "verbose", False)))

    app = get_app()
    window = MainWindow()
    install_excepthook(window)
    projects = window.features["project_controller"]
    projects.interactive = not args.screenshot  # unattended: no questions, errors exit
    if args.command == "open" and args.project and not projects.open_project(
            args.project, survey_path=args.file):
        _fail(window, projects.last_error)
    if survey is not None:
        window.set_survey(survey)  # a file not in the project joins it
        add_recent_file(window.settings, args.file)
    if demo is not None and not projects.open_demo(demo, args.which, args.project):
        _fail(window, projects.last_error)
    if args.command == "demo" and demo is None:
        # first start builds the demo files: do it off the GUI thread, then show the section
        handle = projects.load_demo(args.which, args.project)
        handle.finished.connect(lambda _paths: _choose(window, args))
    else:
        _choose(window, args)
    if args.screenshot:
        out = screenshot(window, args.screenshot)
        print(out)
        window.close()
        return 0
    from geodesk.core.gc_pauses import keep_full_collections_short

    keep_full_collections_short()  # no 0.1-0.5 s full GC pass in the middle of a flip
    window.show()
    return int(app.exec())

