"""Corrupted-project fuzz: seeded mutations of a saved project's files (byte flips,
truncations, zeroed blocks, edited JSON values) and the verdict of opening each one.

A case is ``refused`` (a one-line ProjectError), ``exact`` (opens equal to the saved state),
``altered`` (opens with something else: the failure this guards against), ``traceback`` (any
other exception) or ``hang`` (past the per-case timeout; each case runs in a forked child).
Used by ``bench/fuzz_projects.py`` and by ``tests/bench/test_fuzz_projects.py``.
"""

from __future__ import annotations

import json
import multiprocessing
import shutil
from pathlib import Path
from typing import Any

import numpy as np

MUTATIONS = ("flip", "truncate", "zero_block", "edit_json")
ODD_VALUES: list[Any] = [float("nan"), float("inf"), -1, 0, 99999999999999999999, 1e308,
                         "x", "", None, True, [], {}, [1, 2], -2**63]


def build_project(root: Path, layout: str = "current") -> Path:
    """A project with one object of each kind (saved; in the schema-1 layout for ``"old"``)."""
    from geodesk.core.picks import FaultSet, FirstBreaks, Horizon, VelocityFunctions
    from geodesk.core.project.project import Project

    rng = np.random.default_rng(7)
    proj = Project.create(root / "fuzz")
    h = Horizon("H", np.arange(10, 22), np.arange(30, 40))
    mask = rng.random(h.shape) < 0.7
    h.set_times(None, mask, rng.uniform(100, 900, mask.sum()), provenance="tracked")
    h.add_seed(None, 11, 31, 250.0)
    fs = FaultSet("Faults")
    for name in ("F1", "F2"):
        fs.add_fault(None, name, "#00ff00")
        for k in range(2):
            fs.add_stick(None, name, rng.uniform(0, 500, (3 + k, 3)), "inline", 10 + k)
    fb = FirstBreaks("FB", np.repeat([1, 2], 6), np.tile(np.arange(6), 2))
    fb.set_times(None, [0, 4, 7], [10.0, 20.5, 33.25], provenance="model:fb@1")
    vf = VelocityFunctions("V")
    for cdp in (100, 110, 120):
        vf.set_function(None, cdp, [0.0, 500.0, 1500.0], [1500.0, 1900.0, 2600.0])
    for obj in (h, fs, fb, vf):
        proj.picks.add(proj.history, obj)
    proj.display["gain"] = 1.5
    proj.save()
    if layout == "old":
        to_old_layout(proj.folder)
    return proj.folder


def to_old_layout(folder: Path) -> None:
    """Rewrite a saved project as schema 1 (project.json + picks.h5 side by side, no checksums)."""
    import h5py

    gen = folder / json.loads((folder / "project.json").read_text())["generation"]
    doc = json.loads((gen / "project.json").read_text())
    doc["schema_version"] = 1
    with h5py.File(gen / "picks.h5", "r") as src, h5py.File(folder / "picks.h5", "w") as dst:
        for key, value in src.attrs.items():
            dst.attrs[key] = value
        dst.attrs["schema_version"] = 1

        def copy(name: str, obj: Any) -> None:
            if isinstance(obj, h5py.Dataset):
                dst.create_dataset(name, data=obj[()])  # no crc32: old files had none
            else:
                g = dst.require_group(name)
                for key, value in obj.attrs.items():
                    g.attrs[key] = value
        src.visititems(copy)
    (folder / "project.json").write_text(json.dumps(doc, indent=2))
    for p in folder.glob("gen-*"):
        shutil.rmtree(p)


def state_of(folder: Path) -> Any:
    """Everything a project opens with, in a comparable form (raises what open raises)."""
    from geodesk.core.project.project import Project

    return state_of_project(Project.open(folder))


def state_of_project(proj: Any) -> Any:
    """:func:`state_of` of a project in memory."""
    objects = [(sid, obj.to_state()) for sid, interp in sorted(proj.interpretations.items())
               for obj in interp.objects()]
    return objects, proj.display, proj.axes, proj.surveys, proj.created


def same_state(a: Any, b: Any) -> bool:
    """Exact equality of two :func:`state_of` results (NaN equal to NaN, dtypes compared)."""
    (oa, *ra), (ob, *rb) = a, b
    if json.dumps(ra, default=str) != json.dumps(rb, default=str) or len(oa) != len(ob):
        return False
    for (sa, (ma, aa)), (sb, (mb, ab)) in zip(oa, ob):
        if sa != sb or ma != mb or aa.keys() != ab.keys():
            return False
        for k in aa:
            x, y = np.asarray(aa[k]), np.asarray(ab[k])
            if x.dtype != y.dtype or x.shape != y.shape:
                return False
            if not np.array_equal(x, y, equal_nan=x.dtype.kind == "f"):
                return False
    return True


def targets(folder: Path) -> list[Path]:
    """The files opening a saved project reads (pointer, and the committed generation's
    document, manifest and picks; or the old layout's pair): damage elsewhere, e.g. in the
    kept previous generation, cannot change what opens."""
    pointer = json.loads((folder / "project.json").read_text())
    gen = pointer.get("generation")
    return sorted(p for p in folder.rglob("*") if p.is_file() and "autosave" not in p.parts
                  and (p.parent == folder or p.parent.name == gen))


def mutate(path: Path, kind: str, rng: np.random.Generator) -> str:
    """Damage ``path`` in place by ``kind``; returns a short description."""
    data = bytearray(path.read_bytes())
    n = len(data)
    if kind == "flip":
        spots = rng.integers(0, n, int(rng.integers(1, 9)))
        for s in spots:
            data[s] ^= 1 << int(rng.integers(0, 8))
        what = f"{len(spots)} bit flips"
    elif kind == "truncate":
        cut = int(rng.integers(0, n))
        data = data[:cut]
        what = f"truncated to {cut} of {n} bytes"
    elif kind == "zero_block":
        size = int(rng.choice([660, int(rng.integers(1, 2048))]))
        at = int(rng.integers(0, max(1, n - 1)))
        data[at:at + size] = bytes(len(data[at:at + size]))
        what = f"{size} bytes zeroed at {at}"
    else:
        return _edit_json(path, rng)
    path.write_bytes(bytes(data))
    return what


def _edit_json(path: Path, rng: np.random.Generator) -> str:
    """Replace one value of a JSON file (or of an HDF5 object's ``meta`` attribute)."""
    if path.suffix == ".h5":
        return _edit_h5_meta(path, rng)
    doc = json.loads(path.read_text())
    where, new = _edit_value(doc, rng)
    path.write_text(json.dumps(doc, indent=2))
    return f"JSON {where} = {new!r}"


def _edit_h5_meta(path: Path, rng: np.random.Generator) -> str:
    import h5py

    with h5py.File(path, "r+") as h5:
        groups: list[Any] = []
        h5.visititems(lambda _n, o: groups.append(o) if "meta" in o.attrs else None)
        if not groups:
            return "no metadata to edit"
        g = groups[int(rng.integers(len(groups)))]
        meta = json.loads(g.attrs["meta"])
        where, new = _edit_value(meta, rng)
        g.attrs["meta"] = json.dumps(meta)
    return f"meta {where} = {new!r}"


def _edit_value(doc: Any, rng: np.random.Generator) -> tuple[str, Any]:
    leaves: list[tuple[Any, Any, str]] = []

    def walk(node: Any, path: str) -> None:
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for k, v in items:
            leaves.append((node, k, f"{path}/{k}"))
            if isinstance(v, (dict, list)):
                walk(v, f"{path}/{k}")
    walk(doc, "")
    node, key, where = leaves[int(rng.integers(len(leaves)))]
    if rng.random() < 0.1 and isinstance(node, dict):
        del node[key]
        return where, "<deleted>"
    new = ODD_VALUES[int(rng.integers(len(ODD_VALUES)))]
    if isinstance(node[key], (int, float)) and not isinstance(node[key], bool) and rng.random() < 0.4:
        new = node[key] + int(rng.choice([-1, 1]))  # a plausible edit, hard to notice
    node[key] = new
    return where, new


def _open_verdict(folder: str, expected: Any, out: Any) -> None:
    from geodesk.core.project.store import ProjectError

    try:
        got = state_of(Path(folder))
    except ProjectError as exc:
        msg = str(exc)
        out.put(("refused" if msg and "\n" not in msg else "traceback", msg[:300]))
    except BaseException as exc:  # noqa: BLE001 - anything else is a finding
        out.put(("traceback", f"{type(exc).__name__}: {str(exc)[:200]}"))
    else:
        out.put(("exact" if same_state(got, expected) else "altered", ""))


def verdict(folder: Path, expected: Any, timeout_s: float) -> tuple[str, str]:
    """Open ``folder`` in a forked child; (outcome, message)."""
    ctx = multiprocessing.get_context("fork")
    out = ctx.Queue()
    child = ctx.Process(target=_open_verdict, args=(str(folder), expected, out))
    child.start()
    try:
        return out.get(timeout=timeout_s)
    except Exception:  # noqa: BLE001 - queue.Empty: the child is stuck
        return "hang", f"no answer in {timeout_s:g} s"
    finally:
        child.join(0.5)
        if child.is_alive():
            child.kill()
            child.join()


def run_cases(base: Path, work: Path, n_cases: int, seed: int, timeout_s: float = 30.0
              ) -> list[dict[str, Any]]:
    """``n_cases`` seeded mutations of copies of ``base``; one record per case."""
    rng = np.random.default_rng(seed)
    expected = state_of(base)
    files = [p.relative_to(base) for p in targets(base)]
    records = []
    for k in range(n_cases):
        case = work / f"case{k}" / base.name
        shutil.copytree(base, case)
        rel = files[int(rng.integers(len(files)))]
        kind = MUTATIONS[int(rng.integers(len(MUTATIONS)))]
        if kind == "edit_json" and rel.suffix not in (".json", ".h5"):
            kind = "flip"
        what = mutate(case / rel, kind, rng)
        outcome, message = verdict(case, expected, timeout_s)
        records.append({"case": k, "file": str(rel), "mutation": kind, "what": what,
                        "outcome": outcome, "message": message})
        shutil.rmtree(case.parent, ignore_errors=True)
    return records
