"""``geodesk WORD ...`` imports only the module of command WORD: the table that says which module
that is, and what the nmo / stack paths load."""

import argparse
import importlib
import subprocess
import sys

import numpy as np

from geodesk import cli

HEAVY = ("torch", "scipy", "sklearn", "PySide6", "pyqtgraph", "h5py", "numba")
#: light modules the nmo / stack path has no use for, each a few ms of the whole command:
#: numpy.ma (loaded by a plain np.unique), tempfile (random, shutil), the thread pool
UNNEEDED = ("numpy.ma", "tempfile", "concurrent.futures")


def test_command_words_name_exactly_what_each_module_registers():
    registered = {}
    for name in cli.COMMAND_MODULES:
        sub = argparse.ArgumentParser().add_subparsers()
        importlib.import_module(f"geodesk.commands.{name}").register(sub)
        registered.update(dict.fromkeys(sub.choices, name))
    assert registered == cli.COMMAND_WORDS


def test_a_command_parser_holds_its_own_module_and_the_full_parser_all():
    def words(parser):
        subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        return set(subs[0].choices)

    assert words(cli.build_parser("nmo")) == {"nmo", "stack"}
    assert words(cli.build_parser("velfield")) == {"velocities", "velfield"}
    assert words(cli.build_parser()) == set(cli.COMMAND_WORDS)
    assert words(cli.build_parser("no-such-word")) == set(cli.COMMAND_WORDS)


def _cmp_file(folder):
    from geodesk.core.segy.write import write_prestack

    n_cdp, n_tr, ns = 4, 12, 300
    rng = np.random.default_rng(0)
    x = np.tile(np.linspace(100.0, 2000.0, n_tr), n_cdp)
    cdp = np.repeat(np.arange(1, n_cdp + 1), n_tr)
    path = folder / "cmp.sgy"
    write_prestack(path, rng.standard_normal((n_cdp * n_tr, ns)), ffid=cdp,
                   channel=np.tile(np.arange(1, n_tr + 1), n_cdp), offset=x, cdp=cdp,
                   source_xy=(cdp * 25.0 - x / 2, np.zeros_like(x)),
                   group_xy=(cdp * 25.0 + x / 2, np.zeros_like(x)), dt_ms=4.0)
    picks = folder / "v.csv"
    picks.write_text("cdp,time_ms,vrms_mps\n1,0,1500\n1,1000,2200\n")
    return path, picks


def test_nmo_and_stack_commands_load_no_module_they_do_not_use(tmp_path):
    """On a small file: numba is worth loading only for big passes (nmo_compiled.WARM_SAMPLES),
    and threads only with it (nmo.gather_workers)."""
    sgy, picks = _cmp_file(tmp_path)
    for command in ("nmo", "stack"):
        code = ("import sys\nfrom geodesk.cli import main\n"
                f"rc = main([{command!r}, sys.argv[1], sys.argv[2], sys.argv[3]])\n"
                f"print(rc, ','.join(m for m in {HEAVY + UNNEEDED!r} if m in sys.modules))\n")
        out = subprocess.run([sys.executable, "-c", code, str(sgy), str(picks),
                              str(tmp_path / f"{command}.sgy")], capture_output=True, text=True,
                             check=True)
        assert out.stdout.split() == ["0"], (command, out.stdout, out.stderr[-500:])
        assert (tmp_path / f"{command}.sgy").stat().st_size > 3600
