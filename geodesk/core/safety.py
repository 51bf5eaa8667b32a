"""Never write over the user's data: checks an output path against the inputs of a command.

An output is refused when it is (by path, symlink or hard link) one of the inputs, when it lies
in a project folder (``*.geodesk``, written only by project saves), when it is a folder or its
folder is missing, and, unless ``force`` is given, when it exists with other names (hard links)
or holding another kind of file than the one to be written (a SEG-Y where a CSV goes…).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

#: Kinds of output a command writes, as :func:`file_kind` names existing files.
OUTPUT_KINDS = ("segy", "text", "model", "png", "npz", "hdf5")
#: File-name endings that mark a SEG-Y/SU file even when its binary header is odd.
SEGY_SUFFIXES = (".sgy", ".segy", ".seg", ".su")
#: SEG-Y sample-format codes (binary header bytes 3225-3226) a real file may hold.
SEGY_FORMAT_CODES = frozenset({1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 15, 16})
PROJECT_SUFFIX = ".geodesk"


class OutputRefused(ValueError):
    """An output path that would destroy data; the message is one line for the user."""


def same_file(a: str | os.PathLike, b: str | os.PathLike) -> bool:
    """Whether two paths name one file: same resolved path, or same device and inode (hard
    links, symlinks, bind mounts)."""
    if os.path.realpath(a) == os.path.realpath(b):
        return True
    try:
        sa, sb = os.stat(a), os.stat(b)
    except OSError:
        return False
    return (sa.st_dev, sa.st_ino) == (sb.st_dev, sb.st_ino)


def project_folder_of(path: str | os.PathLike) -> Path | None:
    """The ``*.geodesk`` project folder that ``path`` (resolved) lies in or is, else None."""
    real = Path(os.path.realpath(path))
    for folder in (real, *real.parents):
        if folder.name.endswith(PROJECT_SUFFIX) and folder.is_dir():
            return folder
    return None


def _looks_like_segy(head: bytes, size: int) -> bool:
    if size < 3600 + 240 or len(head) < 3600:
        return False
    for order in ("big", "little"):
        ns = int.from_bytes(head[3220:3222], order)
        code = int.from_bytes(head[3224:3226], order)
        if code in SEGY_FORMAT_CODES and ns > 0:
            return True
    return False


def _zip_kind(path: Path) -> str:
    import zipfile  # only for outputs that are zip files (models, .npz): not on every command

    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
    except (zipfile.BadZipFile, OSError):
        return "binary"
    if any(n.endswith("data.pkl") for n in names):
        return "model"
    if names and all(n.endswith(".npy") for n in names):
        return "npz"
    return "zip"


def file_kind(path: str | os.PathLike) -> str | None:
    """What an existing file holds: "segy", "text", "model", "png", "npz", "hdf5", "zip",
    "binary" (anything else); None for an empty or missing file."""
    p = Path(path)
    try:
        size = p.stat().st_size
        with open(p, "rb") as fh:
            head = fh.read(65536)
    except OSError:
        return None
    if size == 0:
        return None
    if head.startswith(b"\x89PNG"):
        return "png"
    if head.startswith(b"\x89HDF"):
        return "hdf5"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(p)
    if _looks_like_segy(head, size) or p.suffix.lower() in SEGY_SUFFIXES:
        return "segy"
    if p.suffix.lower() in (".pt", ".pth"):
        return "model"
    if b"\x00" not in head:
        try:
            head.decode("utf-8")
            return "text"
        except UnicodeDecodeError as exc:
            if exc.start >= len(head) - 4:  # a multi-byte character cut by the 64 KiB read
                return "text"
    return "binary"


def check_output(output: str | os.PathLike, kind: str, inputs: Iterable[str | os.PathLike] = (),
                 *, force: bool = False, what: str = "output") -> Path:
    """Refuse ``output`` (of ``kind``, one of :data:`OUTPUT_KINDS`) where writing it would
    destroy data; returns it as a Path. ``force`` allows replacing a file of another kind only."""
    if kind not in OUTPUT_KINDS:
        raise ValueError(f"unknown output kind {kind!r}")
    out = Path(output)
    for src in inputs:
        if src is not None and os.path.exists(src) and same_file(out, src):
            raise OutputRefused(f"{what} {out} is the input {src}; give another file to write")
    project = project_folder_of(out)  # resolved: symlinks (dangling ones too) followed
    if project is not None:
        raise OutputRefused(f"{what} {out} is inside the project folder {project}; only project "
                            "saves write there: give a file outside it")
    if out.is_dir():
        raise OutputRefused(f"{what} {out} is a folder; give a file name")
    parent = out.parent if str(out.parent) else Path(".")
    if not parent.is_dir():
        raise OutputRefused(f"folder {parent} of {what} {out} does not exist")
    links = out.stat().st_nlink if out.is_file() else 1
    if links > 1 and not force:  # the other names may be inputs or project files
        raise OutputRefused(f"{what} {out} is hard-linked ({links} names for one file); give "
                            "another file or add --force to replace this name only")
    found = file_kind(out) if out.exists() else None
    if found is not None and found != kind and not force:
        raise OutputRefused(f"{what} {out} exists and holds {_describe(found)}, not "
                            f"{_describe(kind)}; give another file or add --force to replace it")
    return out


def _describe(kind: str) -> str:
    return {"segy": "SEG-Y data", "text": "text (CSV)", "model": "a model file",
            "png": "a PNG image", "npz": "numpy arrays", "hdf5": "HDF5 data",
            "zip": "a zip archive", "binary": "binary data"}.get(kind, kind)
