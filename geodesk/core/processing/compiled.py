"""numba kernels on demand: :func:`jit` marks a kernel, :func:`compiled` gives its compiled
version. numba is imported, and its on-disk cache loaded, only when a compiled kernel is first
asked for (~0.5 s once per process), so commands that never need one do not pay for it.
"""

from __future__ import annotations

import importlib.util
import os
import threading
import warnings
from collections import deque
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the pool is made, and concurrent.futures imported, for 2+ workers only
    from concurrent.futures import ThreadPoolExecutor

#: numba is a dependency; the numpy paths keep GeoDesk working where it is missing.
#: ``GEODESK_NO_NUMBA=1`` forces them (to compare, or where compiling is unwanted).
HAVE_NUMBA = (importlib.util.find_spec("numba") is not None
              and os.environ.get("GEODESK_NO_NUMBA", "") in ("", "0"))
_PLAIN: dict[str, tuple] = {}  # kernels by module.name: (python function, fastmath)
_READY: dict[str, object] = {}  # the compiled ones
_LOCK = threading.Lock()
_WARNED = False  # the plain-Python fallback was announced


def jit(fastmath: bool = True):
    """Mark a kernel for numba (nogil, cached on disk). Nothing is imported or compiled until
    :func:`compiled` first asks for one: importing numba and loading its cache costs ~0.5 s."""
    def wrap(fn):
        _PLAIN[f"{fn.__module__}.{fn.__name__}"] = (fn, fastmath)
        return fn
    return wrap


def compiled(fn):
    """The numba version of kernel ``fn``. Every marked kernel is bound, in its module, to its
    compiled version first, so kernels calling kernels call the compiled ones."""
    plain = getattr(fn, "py_func", fn)
    key = f"{plain.__module__}.{plain.__name__}"
    if key not in _READY:
        with _LOCK:
            try:
                import numba
            except (ImportError, OSError) as exc:  # installed but broken (llvmlite missing…)
                return _plain_fallback(plain, exc)
            for name, (py, fastmath) in _PLAIN.items():
                if name not in _READY:
                    _READY[name] = numba.njit(nogil=True, fastmath=fastmath, cache=True)(py)
                    py.__globals__[py.__name__] = _READY[name]
    return _READY[key]


def _plain_fallback(plain, exc: BaseException):
    """The kernel as plain Python (same results, much slower) when numba cannot be imported;
    said once, so a broken numba install slows GeoDesk down instead of failing its commands."""
    global _WARNED
    if not _WARNED:
        _WARNED = True
        warnings.warn(f"numba could not be imported ({exc}); compiled kernels run as plain "
                      "Python (slow). Reinstall numba, or set GEODESK_NO_NUMBA=1 for the numpy "
                      "paths.", RuntimeWarning, stacklevel=3)
    return plain


def loaded() -> bool:
    """True once numba's kernels are bound (the compiled paths then cost nothing extra)."""
    return bool(_READY)


_POOL: ThreadPoolExecutor | None = None


def thread_pool(workers: int) -> ThreadPoolExecutor | None:
    """A shared thread pool of ``workers`` (None for one): compiled kernels and numpy's
    take, ufuncs and reductions release the GIL, so blocks of work run side by side."""
    global _POOL
    if workers <= 1:
        return None
    if _POOL is None or _POOL._max_workers != workers:
        from concurrent.futures import ThreadPoolExecutor

        _POOL = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="geodesk-kernels")
    return _POOL


def map_ordered(fn, items: Iterable[tuple], workers: int) -> Iterator:
    """``fn(*item)`` for each item, yielded in order; with ``workers`` > 1 up to twice that many
    run ahead on the shared pool (the items are made, e.g. read from a file, by the caller's
    thread), so memory holds a few results whatever the number of items. More workers than
    cores are not started."""
    workers = max(1, min(int(workers), os.cpu_count() or 1))
    pool = thread_pool(workers)
    if pool is None:
        for item in items:
            yield fn(*item)
        return
    pending: deque = deque()
    for item in items:
        pending.append(pool.submit(fn, *item))
        if len(pending) >= 2 * workers:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def default_workers() -> int:
    """Threads the kernels use by default: up to 2, fewer on a one-core machine."""
    return min(2, os.cpu_count() or 1)
