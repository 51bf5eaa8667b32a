"""Which arguments of a command are files it reads and which it writes, checked before it runs.

Every leaf command calls :func:`declare_io` in its ``register``; :func:`check_io` (run by
:func:`geodesk.cli.main` before the command) refuses, with :mod:`geodesk.core.safety`, any
output that is an input, lies in a project folder or replaces a file of another kind.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping, Sequence

#: Output kind of an argument: a fixed kind, or chosen from the other arguments.
Kind = str | Callable[[argparse.Namespace], str]
#: Extra outputs a command derives from its arguments: ``args -> [(path, kind, what)]``.
Extra = Callable[[argparse.Namespace], Sequence[tuple[str, str, str]]]


def declare_io(p: argparse.ArgumentParser, *, inputs: Sequence[str] = (),
               outputs: Mapping[str, Kind] | None = None, extra: Extra | None = None) -> None:
    """Record the input and output argument names (``dest``) of a command; a command with
    outputs gets ``--force`` (replace an existing file of another kind, never an input)."""
    outputs = dict(outputs or {})
    p.set_defaults(io_inputs=tuple(inputs), io_outputs=outputs, io_extra=extra)
    if outputs or extra:
        p.add_argument("--force", action="store_true",
                       help="replace an existing output file that holds another kind of data "
                       "(never an input, never a file in a project folder)")


def planned_outputs(args: argparse.Namespace) -> list[tuple[str, str, str]]:
    """``(path, kind, what)`` of every file the command will write."""
    out = []
    for dest, kind in (getattr(args, "io_outputs", None) or {}).items():
        path = getattr(args, dest, None)
        if path is not None:
            out.append((str(path), kind(args) if callable(kind) else kind,
                        "output" if dest in ("output", "out") else "--" + dest.replace("_", "-")))
    extra = getattr(args, "io_extra", None)
    if extra is not None:
        out.extend(extra(args))
    return out


def check_io(args: argparse.Namespace, more_inputs: Sequence[str] = ()) -> None:
    """Refuse the command's outputs where writing them would destroy data (one-line
    :class:`~geodesk.core.safety.OutputRefused`)."""
    from geodesk.core.safety import OutputRefused, check_output, same_file

    inputs = [str(getattr(args, d)) for d in getattr(args, "io_inputs", ())
              if getattr(args, d, None) is not None]
    inputs += [str(p) for p in more_inputs]
    outputs = planned_outputs(args)
    for k, (path, kind, what) in enumerate(outputs):
        for other, _kind, other_what in outputs[:k]:
            if path == other or same_file(path, other):
                raise OutputRefused(f"{what} and {other_what} are the same file {path}")
        check_output(path, kind, inputs, force=bool(getattr(args, "force", False)), what=what)
