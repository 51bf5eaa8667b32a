"""Atomic file writes: a reader (or a crash) sees either the old file or the new one, never half.

Every writer here writes to a temporary file in the *same folder* as the target (so the final
``os.replace`` is a rename within one file system), flushes and fsyncs it, renames it over the
target and fsyncs the folder so the rename itself survives a power cut. On any error the temporary
file is removed and the target is left untouched.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

__all__ = [
    "atomic_hdf5",
    "atomic_open",
    "atomic_path",
    "fsync_dir",
    "fsync_file",
    "start_writeback",
    "write_bytes",
    "write_text",
]


def fsync_dir(folder: str | os.PathLike) -> None:
    """fsync a folder so a rename inside it is durable (a no-op where the OS cannot do it)."""
    if os.name == "nt":  # Windows cannot open a directory for fsync; rename is journalled there
        return
    fd = os.open(os.fspath(folder), os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError:  # some file systems (e.g. certain network mounts) refuse directory fsync
        pass
    finally:
        os.close(fd)


def fsync_file(path: str | os.PathLike) -> None:
    """fsync a closed file by path (used for files written by libraries such as h5py)."""
    fd = os.open(os.fspath(path), os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def start_writeback(f: IO[bytes], recent: int = 64 << 20) -> None:
    """Start writing the last ``recent`` bytes of a file being streamed to disk now, and drop
    the pages already on disk from the page cache: the final fsync then has little left to do
    and a big save neither fills memory with dirty pages nor gets throttled for them
    (Linux ``posix_fadvise(DONTNEED)``; a no-op where the OS lacks it)."""
    if not hasattr(os, "posix_fadvise"):
        return
    f.flush()
    end = f.tell()
    start = max(0, end - recent)
    with contextlib.suppress(OSError):
        os.posix_fadvise(f.fileno(), start, end - start, os.POSIX_FADV_DONTNEED)


#: Flags of a new temporary file: created here or not at all, never through a link.
_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) \
    | getattr(os, "O_BINARY", 0)


def _temp_name(target: Path) -> Path:
    """A new empty file (mode 0600) beside ``target``, as ``tempfile.mkstemp`` makes one, without
    importing :mod:`tempfile` (its ``random`` and ``shutil``: a few ms of every command)."""
    for _ in range(100):
        name = target.parent / f".{target.name}.{os.urandom(6).hex()}.tmp"
        try:
            fd = os.open(name, _NEW_FILE, 0o600)
        except FileExistsError:
            continue
        os.close(fd)
        return name
    raise FileExistsError(f"no free temporary name beside {target}")


def _commit(tmp: Path, target: Path) -> None:
    # mkstemp makes 0600 files: keep the replaced file's mode, else the usual rw-r--r--
    os.chmod(tmp, target.stat().st_mode & 0o777 if target.exists() else 0o644)
    os.replace(tmp, target)
    fsync_dir(target.parent)


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path next to ``target``; on success it is fsynced and renamed over it.

    For writers that want a path rather than a file object (h5py, segyio, shutil.copy).
    The temporary file exists (empty) when the block starts.
    """
    target = Path(target)
    tmp = _temp_name(target)
    try:
        yield tmp
        fsync_file(tmp)
        _commit(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


@contextlib.contextmanager
def atomic_open(target: str | os.PathLike, mode: str = "w", encoding: str | None = "utf-8",
                newline: str | None = None) -> Iterator[IO[Any]]:
    """Open a temporary file for writing (``"w"`` text or ``"wb"`` bytes) that replaces
    ``target`` atomically when the block exits without an error."""
    if mode not in ("w", "wb"):
        raise ValueError(f"atomic_open mode must be 'w' or 'wb', not {mode!r}")
    target = Path(target)
    tmp = _temp_name(target)
    try:
        kwargs: dict[str, Any] = {} if "b" in mode else {"encoding": encoding, "newline": newline}
        with open(tmp, mode, **kwargs) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        _commit(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def write_bytes(target: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``target`` atomically."""
    with atomic_open(target, "wb") as fh:
        fh.write(data)


def write_text(target: str | os.PathLike, text: str, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``target`` atomically (newlines written as given)."""
    with atomic_open(target, "w", encoding=encoding, newline="") as fh:
        fh.write(text)


@contextlib.contextmanager
def atomic_hdf5(target: str | os.PathLike, **h5_kwargs: Any) -> Iterator[Any]:
    """Yield a new ``h5py.File`` that replaces ``target`` atomically once the block succeeds."""
    import h5py

    with atomic_path(target) as tmp, h5py.File(tmp, "w", **h5_kwargs) as h5:
        yield h5
