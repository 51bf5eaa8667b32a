"""On-disk layout of a project save: complete generations committed by a pointer written last.

``NAME.geodesk/gen-NNNNNN/`` holds one save: ``project.json`` (the document), ``picks.h5``
(``/picks/<survey_id>/<NNN>`` groups, one per pick object, arrays as datasets each with a
``crc32`` attribute, the object's JSON metadata in the ``meta`` attribute; ``/labels/<survey_id>``
the survey's label marks in the same form, see :mod:`geodesk.core.picks.marks`; ``/caches``
reserved) and ``manifest.json`` (size and sha256 of both, sealed by its own sha256).
A generation is written in a hidden temp folder and renamed into place complete; then the
top-level ``project.json`` (the pointer: generation name, manifest sha256, sealed) replaces the
previous one atomically. That rename is the only commit: a kill at any step leaves either the old
pointer (old save, its generation untouched) or the new one (new save, complete). The previous
generation is kept as a backup; older ones and leftovers are removed after the commit.

Old projects (schema 0/1: ``project.json`` + ``picks.h5`` side by side, no checksums) are read
by :mod:`geodesk.core.project.legacy` and written in this layout by their next save.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from geodesk.core.atomic import fsync_dir, fsync_file, write_text
from geodesk.core.project.integrity import array_crc32, file_sha256, is_sealed, sealed

JSON_NAME = "project.json"
H5_NAME = "picks.h5"
MANIFEST_NAME = "manifest.json"
LAYOUT = "geodesk-project"
RESERVED_GROUPS = ("caches", "labels")
_GEN_RE = re.compile(r"gen-(\d{6,9})")

#: Raw HDF5 content: {group path: (attrs, {dataset name: array})}, for any schema version.
RawGroups = dict[str, tuple[dict[str, Any], dict[str, np.ndarray]]]


class ProjectError(ValueError):
    """A project that cannot be created, opened or saved; the message is one line."""


@dataclass
class SaveContent:
    """What one save holds: the document, picks.h5's root attributes and groups, and the
    generation it came from (None for the old layout)."""

    doc: dict[str, Any]
    root_attrs: dict[str, Any]
    groups: RawGroups
    generation: str | None


# -- writing -----------------------------------------------------------------------------------
def write_save(folder: Path, doc: dict[str, Any], objects: list[tuple[str, dict, dict]],
               keep_previous: bool = True,
               labels: Sequence[tuple[str, dict, dict]] = ()) -> str:
    """Write ``doc``, ``objects`` and ``labels`` ((survey_id, meta, arrays) each) as a new
    generation of ``folder`` and commit it; returns the generation's name. Any error before the
    commit leaves the previous save as it was."""
    folder.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(folder)
    previous = pointed_generation(folder) or next(iter(generations(folder)), None)
    name = f"gen-{_next_number(folder):06d}"
    tmp = folder / f".{name}.{uuid.uuid4().hex[:8]}.tmp"
    os.mkdir(tmp)
    try:
        _write_h5(tmp / H5_NAME, doc, objects, labels)
        write_text(tmp / JSON_NAME, json.dumps(doc, indent=2, allow_nan=False) + "\n")
        files = {n: {"size": (tmp / n).stat().st_size, "sha256": file_sha256(tmp / n)}
                 for n in (JSON_NAME, H5_NAME)}
        manifest = sealed({"layout": LAYOUT, "generation": name, "save_id": doc["save_id"],
                           "modified": doc.get("modified", ""), "files": files})
        write_text(tmp / MANIFEST_NAME, json.dumps(manifest, indent=2) + "\n")
        os.replace(tmp, folder / name)
        fsync_dir(folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    pointer = sealed({"layout": LAYOUT, "schema_version": doc["schema_version"],
                      "app_version": doc.get("app_version", ""), "generation": name,
                      "manifest_sha256": file_sha256(folder / name / MANIFEST_NAME),
                      "save_id": doc["save_id"], "modified": doc.get("modified", "")})
    write_text(folder / JSON_NAME, json.dumps(pointer, indent=2) + "\n")  # the commit
    _prune(folder, keep={name, previous} if keep_previous else {name})
    return name


def _write_h5(path: Path, doc: dict[str, Any], objects: list[tuple[str, dict, dict]],
              labels: Sequence[tuple[str, dict, dict]] = ()) -> None:
    import h5py

    def put(g: Any, meta: dict, arrays: dict) -> None:
        g.attrs["meta"] = json.dumps(meta, allow_nan=False)
        for key, arr in arrays.items():
            data = np.asarray(arr)
            g.create_dataset(key, data=data).attrs["crc32"] = array_crc32(data)

    with h5py.File(path, "w") as h5:
        h5.attrs["save_id"] = doc["save_id"]
        h5.attrs["schema_version"] = doc["schema_version"]
        root = h5.create_group("picks")
        for group in RESERVED_GROUPS:
            h5.create_group(group)
        counters: dict[str, int] = {}
        for survey_id, meta, arrays in objects:
            n = counters.get(survey_id, 0)
            counters[survey_id] = n + 1
            put(root.require_group(survey_id).create_group(f"{n:03d}"), meta, arrays)
        for survey_id, meta, arrays in labels:
            put(h5["labels"].create_group(survey_id), meta, arrays)
    fsync_file(path)


def remove_tree(path: Path) -> None:
    """Delete a folder so that a kill part-way never leaves a half folder under its name
    (renamed to a hidden trash name first, removed by the next save if the kill comes later)."""
    if not path.exists():
        return
    trash = path.with_name(f".trash-{path.name}-{uuid.uuid4().hex[:8]}")
    os.replace(path, trash)
    fsync_dir(path.parent)
    shutil.rmtree(trash, ignore_errors=True)


def _remove_leftovers(folder: Path) -> None:
    """Temp generations, trash and atomic-write temps of a killed process: never a save."""
    for stale in (*folder.glob(".gen-*.tmp"), *folder.glob(".trash-*")):
        shutil.rmtree(stale, ignore_errors=True)
    for stale in folder.glob(f".{JSON_NAME}.*.tmp"):
        with contextlib.suppress(OSError):
            stale.unlink()


def _prune(folder: Path, keep: set[str | None]) -> None:
    for gen in generations(folder):
        if gen not in keep:
            shutil.rmtree(folder / gen, ignore_errors=True)
    legacy_h5 = folder / H5_NAME  # the old layout's picks file, replaced by the generation
    with contextlib.suppress(OSError):
        legacy_h5.unlink()


def _next_number(folder: Path) -> int:
    numbers = [int(m.group(1)) for p in folder.iterdir()
               if (m := _GEN_RE.fullmatch(p.name) or re.fullmatch(r"\.gen-(\d+)\..*", p.name))]
    return max(numbers, default=0) + 1


def generations(folder: Path) -> list[str]:
    """Generation folders present in ``folder``, newest first (complete or not)."""
    if not folder.is_dir():
        return []
    found = [p.name for p in folder.iterdir() if p.is_dir() and _GEN_RE.fullmatch(p.name)]
    return sorted(found, key=lambda n: int(n[4:]), reverse=True)


def pointed_generation(folder: Path) -> str | None:
    """The generation the pointer commits, or None (old layout, missing or damaged pointer)."""
    try:
        pointer = json.loads((folder / JSON_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    gen = pointer.get("generation") if isinstance(pointer, dict) else None
    return gen if isinstance(gen, str) and _GEN_RE.fullmatch(gen) else None


# -- reading -----------------------------------------------------------------------------------
def read_json(path: Path) -> dict[str, Any]:
    """Parse a project.json; ProjectError for a missing or damaged file."""
    if path.exists() and not path.is_file():  # a pipe would block the read forever
        raise ProjectError(f"{path}: damaged project file (not a regular file)")
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ProjectError(f"{path.parent.name}: not a GeoDesk project ({path.name} missing)"
                           ) from None
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ProjectError(f"{path}: damaged project file ({type(exc).__name__}: "
                           f"{str(exc)[:200]})") from None
    if not isinstance(doc, dict):
        raise ProjectError(f"{path}: damaged project file (not a JSON object)")
    return doc


def is_generation_pointer(doc: dict[str, Any]) -> bool:
    """True for a pointer of the generation layout (as opposed to an old project.json)."""
    return doc.get("layout") == LAYOUT or "generation" in doc or "manifest_sha256" in doc


def read_save(folder: Path, pointer: dict[str, Any], generation: str | None = None
              ) -> SaveContent:
    """The verified content of the save ``pointer`` commits (or of ``generation``);
    ProjectError naming the damage when a file or checksum does not match."""
    if generation is None:
        if not is_sealed(pointer):
            raise ProjectError(f"{folder / JSON_NAME}: damaged project file (checksum mismatch)")
        generation = pointer.get("generation")
        expected_manifest = pointer.get("manifest_sha256")
    else:
        expected_manifest = None
    if not isinstance(generation, str) or not _GEN_RE.fullmatch(generation):
        raise ProjectError(f"{folder}: damaged project file (bad generation {generation!r})")
    gen = folder / generation
    manifest = verified_manifest(gen, expected_manifest)
    doc = read_json(gen / JSON_NAME)
    if doc.get("save_id") != manifest.get("save_id"):
        raise ProjectError(f"{gen}: damaged save (project.json is not the manifest's save)")
    root_attrs, groups = read_h5(gen / H5_NAME, check_crc=True)
    if root_attrs.get("save_id") != doc.get("save_id"):
        raise ProjectError(f"{gen}: damaged save (picks.h5 is from another save)")
    return SaveContent(doc, root_attrs, groups, generation)


def verified_manifest(gen: Path, expected_sha256: str | None = None) -> dict[str, Any]:
    """The manifest of a generation folder after checking it and every file it lists."""
    path = gen / MANIFEST_NAME
    if not path.is_file():
        raise ProjectError(f"{gen}: damaged save ({MANIFEST_NAME} missing)")
    if expected_sha256 is not None and file_sha256(path) != expected_sha256:
        raise ProjectError(f"{path}: damaged save (checksum mismatch)")
    manifest = read_json(path)
    files = manifest.get("files")
    if not is_sealed(manifest) or not isinstance(files, dict) or set(files) != {JSON_NAME,
                                                                               H5_NAME}:
        raise ProjectError(f"{path}: damaged save (manifest checksum mismatch)")
    for name, want in files.items():
        p = gen / name
        if not p.is_file():
            raise ProjectError(f"{gen}: damaged save ({name} missing)")
        if not isinstance(want, dict) or p.stat().st_size != want.get("size"):
            raise ProjectError(f"{p}: damaged file (size differs from the saved one)")
        if file_sha256(p) != want.get("sha256"):
            raise ProjectError(f"{p}: damaged file (sha256 differs from the saved one)")
    return manifest


def read_h5(path: Path, check_crc: bool = False) -> tuple[dict[str, Any], RawGroups]:
    """Root attributes and every group holding datasets or attributes of an HDF5 file
    (with ``check_crc``, each dataset must match its ``crc32`` attribute)."""
    import h5py

    if not path.exists():
        return {}, {}
    groups: RawGroups = {}
    bad: list[str] = []
    try:
        with h5py.File(path, "r") as h5:
            root_attrs = {k: _attr(v) for k, v in h5.attrs.items()}

            def visit(name: str, obj: Any) -> None:
                if isinstance(obj, h5py.Dataset):
                    parent, _, key = name.rpartition("/")
                    value = obj[()]
                    if check_crc and obj.attrs.get("crc32") != array_crc32(np.asarray(value)):
                        bad.append(name)
                    groups.setdefault(parent, ({}, {}))[1][key] = value
                elif isinstance(obj, h5py.Group) and len(obj.attrs):
                    groups.setdefault(name, ({}, {}))[0].update(
                        {k: _attr(v) for k, v in obj.attrs.items()})

            h5.visititems(visit)
    except (OSError, RuntimeError, KeyError, ValueError, TypeError, UnicodeDecodeError) as exc:
        raise ProjectError(f"{path}: damaged picks file ({type(exc).__name__}: "
                           f"{str(exc)[:200]})") from None
    if bad:
        raise ProjectError(f"{path}: damaged picks file (checksum mismatch in {bad[0]})")
    return root_attrs, groups


def _attr(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, np.generic):
        return value.item()
    return value
