"""Corrupted projects and killed saves: prints one JSON object with the figures.

Corrupted: seeded byte flips, truncations, zeroed blocks and edited JSON values in each file of a
saved project (current layout, and the old schema-1 layout that has no checksums); each case is
opened in a forked child with a timeout and counted as refused / exact / altered / traceback /
hang. Killed saves: a kill injected at every file-system step of a save (and of an autosave);
after each, the project must open with exactly the old or exactly the new state.

Run: ``python bench/fuzz_projects.py [--cases 300] [--seed 0] [--timeout 30]`` (about a minute
for 300 cases per layout on a shared 2-core machine).
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import projfuzz


class Killed(BaseException):
    """The process died at this step: nothing after it runs."""


def _steps(action, at: int) -> int:
    """Run ``action`` with a kill at file-system step ``at`` (0: never); the steps it took."""
    import h5py

    count, dead = [0], [False]
    names = ("replace", "rename", "fsync", "mkdir", "unlink", "remove", "rmdir", "open", "chmod")
    saved = [(os, n, getattr(os, n)) for n in names]
    saved.append((h5py.Group, "create_dataset", h5py.Group.create_dataset))

    def wrap(real):
        def step(*a, **k):
            if dead[0]:
                raise Killed
            count[0] += 1
            if count[0] == at:
                dead[0] = True
                raise Killed
            return real(*a, **k)
        return step
    for obj, name, real in saved:
        setattr(obj, name, wrap(real))
    try:
        action()
    except Killed:
        pass
    finally:
        for obj, name, real in saved:
            setattr(obj, name, real)
    return count[0]


def kill_every_step(base: Path, work: Path, method: str) -> dict[str, int]:
    """Kill ``Project.<method>`` at each step; count the states the project opens with."""
    from geodesk.core.project.project import Project

    def prepared(k: int) -> Project:
        folder = work / f"k{k}" / base.name
        shutil.copytree(base, folder)
        proj = Project.open(folder)
        proj.picks.get("horizon", "H").erase(proj.history, [0, 1, 2])
        proj.display["gain"] = 3.0
        if method == "save":
            proj.autosave()
        return proj

    old = projfuzz.state_of(base)
    n = _steps(getattr(prepared(0), method), 0)
    counts = collections.Counter()
    for k in range(1, n + 1):
        proj = prepared(k)
        new = projfuzz.state_of_project(proj)
        _steps(getattr(proj, method), k)
        try:
            got = projfuzz.state_of(proj.folder)
        except Exception:  # noqa: BLE001 - a project that does not open is the failure
            counts["not_opening"] += 1
            continue
        if method == "autosave":
            counts["old" if projfuzz.same_state(got, old) else "other"] += 1
        else:
            counts["old" if projfuzz.same_state(got, old) else
                   "new" if projfuzz.same_state(got, new) else "other"] += 1
        shutil.rmtree(proj.folder.parent, ignore_errors=True)
    good = counts["old"] + counts["new"]
    return {"steps": n, **counts, "opened_old_or_new_pct": round(100.0 * good / n, 2)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=300, help="corrupted cases per layout")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--timeout", type=float, default=30.0, help="seconds per case")
    args = ap.parse_args()
    result: dict = {"seed": args.seed, "timeout_s": args.timeout}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for layout in ("current", "old"):
            base = projfuzz.build_project(root / f"base-{layout}", layout)
            records = projfuzz.run_cases(base, root / f"work-{layout}", args.cases,
                                         args.seed, args.timeout)
            outcomes = collections.Counter(r["outcome"] for r in records)
            by_file = collections.defaultdict(collections.Counter)
            for r in records:
                by_file[r["file"]][r["outcome"]] += 1
            bad = [r for r in records if r["outcome"] in ("altered", "traceback", "hang")]
            ok = outcomes["refused"] + outcomes["exact"]
            result[f"corrupted_{layout}"] = {
                "cases": len(records), **{k: outcomes[k] for k in
                                          ("refused", "exact", "altered", "traceback", "hang")},
                "refused_or_exact_pct": round(100.0 * ok / len(records), 2),
                "by_file": {f: dict(c) for f, c in sorted(by_file.items())},
                "examples_not_ok": bad[:5]}
        base = projfuzz.build_project(root / "base-kill")
        result["kill_save"] = kill_every_step(base, root / "kill-save", "save")
        result["kill_autosave"] = kill_every_step(base, root / "kill-auto", "autosave")
        old = projfuzz.build_project(root / "base-kill-old", "old")
        result["kill_save_old_layout"] = kill_every_step(old, root / "kill-old", "save")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
