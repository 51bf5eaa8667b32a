"""Output-equals-input for every command of ``geodesk``: each command is run with its output
set to each of its inputs (same path, a symlink, a hard link), into a project folder and over
a file of another kind; prints one JSON object (commands refused / commands with an output).

Run: ``python bench/bench_cli_safety.py`` (about ten seconds; nothing is trained or written).
The commands come from the CLI's own parser, so a command without a case here is reported.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

#: Commands that write no file of their own (``import`` writes the project by its own save).
READ_ONLY = {("info",), ("models",), ("import",)}
#: The ways an output can name a protected file.
VARIANTS = ("same", "symlink", "hardlink")


@dataclass
class Case:
    """One command line with a ``{OUT}`` placeholder and the file the output must not replace."""

    words: tuple[str, ...]
    argv: list[str]
    target: Path


def make_inputs(root: Path) -> dict[str, Path]:
    """Small SEG-Y files (truth files removed: they stand for the user's data), a velocity
    CSV, a model file and a project referencing the post-stack volume."""
    import numpy as np

    from geodesk.core.exchange.csv_io import write_velocity_csv
    from geodesk.core.exchange.project_io import import_picks
    from geodesk.core.project.project import Project
    from geodesk.ml.registry import models_dir
    from geodesk.synth import generate_cmps, generate_post3d, generate_shots
    from geodesk.synth.truth import truth_path

    paths = {"post3d": root / "vol.sgy", "shots": root / "shots.sgy", "cmps": root / "cmps.sgy"}
    generate_post3d((6, 6, 32), seed=1).write(paths["post3d"])
    generate_shots((2, 12, 64), seed=1).write(paths["shots"])
    generate_cmps((3, 12, 64), seed=1).write(paths["cmps"])
    for p in paths.values():
        truth_path(p).unlink(missing_ok=True)
    paths["picks"] = root / "picks.csv"
    write_velocity_csv(paths["picks"], {c: (np.array([0.0, 200.0]), np.array([1500.0, 2500.0]))
                                        for c in (1, 2, 3)})
    paths["model"] = root / "faults.pt"
    shutil.copyfile(models_dir() / "faults.pt", paths["model"])
    paths["denoise_model"] = root / "denoise.pt"
    shutil.copyfile(models_dir() / "denoise.pt", paths["denoise_model"])
    project = Project.create(root / "work.geodesk", paths["post3d"])
    import_picks(project, "velocities", paths["picks"])  # something to export
    paths["project"] = project.folder
    paths["project_file"] = next(p for p in sorted(project.folder.rglob("*")) if p.is_file())
    return paths


def cases(p: dict[str, Path]) -> list[Case]:
    """Every command line to try; ``{OUT}`` is replaced by each variant of ``target``."""
    s = {k: str(v) for k, v in p.items()}
    train = ["--epochs", "1", "--steps-per-epoch", "1", "--size", "32", "--validation", "1",
             "--threads", "1", "--quiet"]
    out = [
        Case(("open",), ["open", s["post3d"], "--screenshot", "{OUT}"], p["post3d"]),
        Case(("demo",), ["demo", "--screenshot", "{OUT}"], p["post3d"]),
        Case(("demo",), ["demo", "--screenshot", "{OUT}"], p["project_file"]),
        Case(("track",), ["track", s["post3d"], "{OUT}", "--seed", "102,302,40", "--quiet"],
             p["post3d"]),
        Case(("velocities",), ["velocities", s["cmps"], "{OUT}", "--quiet"], p["cmps"]),
        Case(("velocities",), ["velocities", s["cmps"], "{OUT}", "--quiet", "--method", "unet",
                               "--model", s["model"]], p["model"]),
        Case(("export",), ["export", s["project"], "velocities", "{OUT}"], p["project_file"]),
        Case(("export",), ["export", s["project"], "horizon", "{OUT}"], p["post3d"]),
        Case(("export",), ["export", s["project"], "firstbreaks", "{OUT}", "--format", "segy"],
             p["post3d"]),  # SEG-Y over the project's own survey: refused as an input
        Case(("train",), ["train", "faults", "--from", s["model"], "--out", "{OUT}", *train],
             p["model"]),
        Case(("train",), ["train", "faults", "--out", "{OUT}", *train], p["post3d"]),
        Case(("adapt",), ["adapt", "denoise", s["post3d"], "--out", "{OUT}", "--steps", "1",
                          "--quiet"], p["post3d"]),
        Case(("adapt",), ["adapt", "denoise", s["post3d"], "--from", s["denoise_model"], "--out",
                          "{OUT}", "--steps", "1", "--quiet"], p["denoise_model"]),
        Case(("facies",), ["facies", s["post3d"], "{OUT}", "--clusters", "2", "--quiet"],
             p["post3d"]),
        Case(("interpolate",), ["interpolate", s["post3d"], "{OUT}", "--quiet"], p["post3d"]),
    ]
    for words, src in (("faults", "post3d"), ("denoise", "post3d"), ("firstbreaks", "shots")):
        out.append(Case((words,), [words, s[src], "{OUT}", "--quiet"], p[src]))
        out.append(Case((words,), [words, s[src], "{OUT}", "--quiet", "--model", s["model"]],
                        p["model"]))
    for words in ("nmo", "stack", "velfield"):
        for target in ("cmps", "picks"):
            out.append(Case((words,), [words, s["cmps"], s["picks"], "{OUT}"], p[target]))
    for kind in ("post3d", "shots", "cmps"):
        out.append(Case(("synth", kind), ["synth", kind, "{OUT}", "--size", "4x8x32"],
                        p["post3d"]))
        out.append(Case(("synth", kind), ["synth", kind, "{OUT}", "--size", "4x8x32"],
                        p["project_file"]))
    return out


def _variant(target: Path, variant: str, scratch: Path) -> Path:
    if variant == "same":
        return target
    link = scratch / f"{variant}-{target.name}"
    link.unlink(missing_ok=True)
    if variant == "symlink":
        link.symlink_to(target)
    else:
        os.link(target, link)
    return link


def _digest(paths: list[Path]) -> dict[str, str]:
    files = sorted({f for p in paths for f in ([p] if p.is_file() else p.rglob("*"))
                    if f.is_file() and not f.is_symlink()})
    return {str(f): hashlib.sha256(f.read_bytes()).hexdigest() for f in files}


def run_case(case: Case, variant: str, scratch: Path, protected: list[Path]) -> dict:
    """Run one command line; whether it was refused (exit 2, one stderr line) with every
    protected file unchanged."""
    from geodesk.cli import main

    out = _variant(case.target, variant, scratch)
    argv = [str(out) if a == "{OUT}" else a for a in case.argv]
    before = _digest(protected)
    err, sink = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(sink):
        rc = main(argv)
    lines = [ln for ln in err.getvalue().splitlines() if ln.strip()]
    kept = _digest(protected) == before
    return {"command": " ".join(case.words), "variant": variant, "argv": argv, "rc": rc,
            "stderr": lines, "kept": kept,
            "refused": rc == 2 and len(lines) == 1 and str(out) in lines[0] and kept}


def leaf_commands() -> set[tuple[str, ...]]:
    """Every runnable command of the CLI, from its own parser."""
    from geodesk.cli import build_parser, leaf_parsers

    return set(leaf_parsers(build_parser()))


def measure(root: Path) -> dict:
    """Run every case and variant under ``root``; the figures and the cases not refused."""
    paths = make_inputs(root)
    scratch = root / "links"
    scratch.mkdir()
    protected = [v for k, v in paths.items() if k not in ("project_file",)]
    results = [run_case(c, v, scratch, protected) for c in cases(paths) for v in VARIANTS]
    writing = leaf_commands() - READ_ONLY
    covered = {tuple(r["command"].split()) for r in results}
    refused = {c for c in covered
               if all(r["refused"] for r in results if tuple(r["command"].split()) == c)}
    return {"commands_with_output": len(writing), "commands_refused": len(refused & writing),
            "commands_without_case": sorted(" ".join(c) for c in writing - covered),
            "cases": len(results), "cases_refused": sum(r["refused"] for r in results),
            "inputs_changed": sum(not r["kept"] for r in results),
            "not_refused": [r for r in results if not r["refused"]]}


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import torch

    torch.set_num_threads(1)
    with tempfile.TemporaryDirectory(prefix="cli_safety_") as tmp:
        report = measure(Path(tmp))
    print(json.dumps(report, indent=1))
    return 0 if not report["not_refused"] and not report["commands_without_case"] else 1


if __name__ == "__main__":
    sys.exit(main())
