"""Command-line defects of issue 14 (6): `geodesk info F | head` stops quietly, `info --json`
gives a raw shot file's source/receiver extent (Viking said x_range [0, 0] while the basemap
drew 0-3300 m), `--help` names both velocity methods."""

import json
import subprocess
import sys

import numpy as np
import segyio

from geodesk.cli import build_parser, main
from geodesk.synth.shots import generate_shots


def test_a_closed_pipe_ends_the_command_quietly_with_success(tmp_path):
    path = generate_shots((2, 12, 100), seed=1).write(tmp_path / "s.sgy")
    proc = subprocess.Popen([sys.executable, "-m", "geodesk.cli", "info", "--headers",
                             str(path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # the reader (head) went away before the first line was written
    err = proc.stderr.read().decode()
    proc.stderr.close()
    assert proc.wait(timeout=60) == 0
    assert "Broken pipe" not in err and "Traceback" not in err and err == ""


def test_info_json_of_shots_without_cdp_xy_spans_sources_and_receivers(tmp_path, capsys):
    path = generate_shots((2, 12, 100), seed=1).write(tmp_path / "s.sgy")
    with segyio.open(path, "r+", ignore_geometry=True) as f:  # a raw shot file: no CDP X/Y
        for i in range(f.tracecount):
            f.header[i] = {segyio.TraceField.CDP_X: 0, segyio.TraceField.CDP_Y: 0}
        sx = np.array([f.header[i][segyio.TraceField.SourceX] for i in range(f.tracecount)])
        gx = np.array([f.header[i][segyio.TraceField.GroupX] for i in range(f.tracecount)])
        scalar = f.header[0][segyio.TraceField.SourceGroupScalar]
    factor = -1.0 / scalar if scalar < 0 else float(scalar or 1)
    assert main(["info", "--json", str(path)]) == 0
    info = json.loads(capsys.readouterr().out)
    lo, hi = min(sx.min(), gx.min()) * factor, max(sx.max(), gx.max()) * factor
    assert info["xy_from"] == "source and receiver" and hi > lo
    assert info["x_range"] == [lo, hi]
    assert info["source_x_range"] == [sx.min() * factor, sx.max() * factor]


def test_help_summary_of_velocities_names_both_methods():
    text = build_parser().format_help()
    line = next(ln for ln in text.splitlines()[text.splitlines().index("    velocities") + 1:])
    assert "semblance" in line and "U-Net" in line
