"""Device selection for training and inference: ``auto`` | ``cpu`` | ``cuda``.

``auto`` takes CUDA when torch sees a working GPU and the CPU otherwise. A CUDA request that
cannot be met, or a GPU that fails (out of memory after the smaller-tile retries, driver error),
falls back to the CPU with a notice instead of failing the job.
"""

from __future__ import annotations

import contextlib
import os
import warnings
from collections.abc import Callable, Iterator
from typing import Any

DEVICES = ("auto", "cpu", "cuda")


class DeviceNotice(UserWarning):
    """The requested device could not be used; work continues on the CPU."""


#: Callables given every device notice (text): the GUI shows them; the CLI has the warnings.
_LISTENERS: list[Callable[[str], None]] = []


def add_notice_listener(fn: Callable[[str], None]) -> None:
    """Call ``fn(text)`` (from whatever thread the model runs in) for every device notice."""
    if fn not in _LISTENERS:
        _LISTENERS.append(fn)


def remove_notice_listener(fn: Callable[[str], None]) -> None:
    if fn in _LISTENERS:
        _LISTENERS.remove(fn)


def device_notice(text: str) -> None:
    """A :class:`DeviceNotice` warning (stderr in the CLI) and a call to every listener."""
    warnings.warn(text, DeviceNotice, stacklevel=3)
    for fn in _LISTENERS.copy():  # a listener may go away meanwhile
        try:
            fn(text)
        except Exception:  # noqa: BLE001, S110 - a listener must never stop the model
            pass


def describe_device(device: Any) -> str:
    """'CPU' or 'GPU (name)' for a torch device, for the window's messages."""
    if getattr(device, "type", str(device)) != "cuda":
        return "CPU"
    try:
        import torch

        return f"GPU ({torch.cuda.get_device_name(device)})"
    except Exception:  # noqa: BLE001 - a name is only decoration
        return "GPU"


def resolve_device(name: str = "auto"):
    """The ``torch.device`` for ``name``; CUDA unavailable → CPU with a :class:`DeviceNotice`."""
    import torch

    if name not in DEVICES:
        raise ValueError(f"unknown device {name!r}; choose one of {', '.join(DEVICES)}")
    if name == "cpu":
        return torch.device("cpu")
    ok = False
    try:
        ok = torch.cuda.is_available() and torch.cuda.device_count() > 0
    except (RuntimeError, AssertionError, OSError):  # a broken driver must not stop CPU work
        ok = False
    if ok:
        return torch.device("cuda")
    if name == "cuda":
        device_notice("CUDA requested but no usable GPU found: running on the CPU")
    return torch.device("cpu")


def is_out_of_memory(exc: BaseException) -> bool:
    """True for a GPU out-of-memory error (torch's class or the generic runtime message)."""
    import torch

    oom = getattr(torch.cuda, "OutOfMemoryError", None)
    if oom is not None and isinstance(exc, oom):
        return True
    return isinstance(exc, RuntimeError) and "out of memory" in str(exc).lower()


def cpu_fallback_notice(reason: str) -> None:
    """Say that work moves to the CPU (stderr in the CLI, the status bar in the window)."""
    device_notice(f"GPU failed ({reason}): continuing on the CPU")


@contextlib.contextmanager
def torch_threads(n: int | None) -> Iterator[None]:
    """torch's CPU thread count set to ``n`` while the block runs (None: unchanged), then put
    back. Call it in the job's own thread: threads beside the GUI compete with it for cores."""
    import torch

    if n is None:
        yield
        return
    old = torch.get_num_threads()
    torch.set_num_threads(max(int(n), 1))
    try:
        yield
    finally:
        torch.set_num_threads(old)


#: torch CPU threads for jobs that run beside the window: half the cores, 1 to 4. Measured by
#: bench/bench_event_loop.py on 2 cores next to a busy process: with 1 thread a small U-Net
#: trained 1.7x to 28x faster than with 2 (OpenMP threads waiting for a busy core) and the
#: window's timer was less late (max 9 ms vs 42 ms).
BACKGROUND_THREADS = max(1, min(4, (os.cpu_count() or 2) // 2))


def background_job(job: Callable[[Any], Any],
                   threads: int | None = BACKGROUND_THREADS) -> Callable[[Any], Any]:
    """``job`` run with :func:`torch_threads` (``threads``) in whatever thread runs it: wrap
    model jobs submitted beside the GUI (training, inference) with this."""

    def run(ctx: Any) -> Any:
        with torch_threads(threads):
            return job(ctx)

    return run


def limit_threads_beside_gui(threads: int = BACKGROUND_THREADS) -> None:
    """Cap torch's CPU threads for a process whose models run beside a GUI (call at start-up).

    ``bench/bench_event_loop.py`` on the 2-core development machine: training with 1 thread
    kept the window's timer within 9 ms and ran faster than with 2 threads, which competed
    with the GUI thread (42 ms late, half the steps/s). Before torch is imported this only
    sets ``OMP_NUM_THREADS`` (if the user has not), so torch is never imported just for it.
    """
    import sys

    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(max(int(threads), 1))
    else:
        os.environ.setdefault("OMP_NUM_THREADS", str(max(int(threads), 1)))
