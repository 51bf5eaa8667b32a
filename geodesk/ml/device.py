"""Device selection for training and inference: ``auto`` | ``cpu`` | ``cuda``.

``auto`` takes CUDA when torch sees a working GPU and the CPU otherwise. A CUDA request that
cannot be met, or a GPU that fails (out of memory after the smaller-tile retries, driver error),
falls back to the CPU with a notice instead of failing the job.
"""

from __future__ import annotations

import warnings

DEVICES = ("auto", "cpu", "cuda")


class DeviceNotice(UserWarning):
    """The requested device could not be used; work continues on the CPU."""


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
        warnings.warn("CUDA requested but no usable GPU found: running on the CPU", DeviceNotice,
                      stacklevel=2)
    return torch.device("cpu")


def is_out_of_memory(exc: BaseException) -> bool:
    """True for a GPU out-of-memory error (torch's class or the generic runtime message)."""
    import torch

    oom = getattr(torch.cuda, "OutOfMemoryError", None)
    if oom is not None and isinstance(exc, oom):
        return True
    return isinstance(exc, RuntimeError) and "out of memory" in str(exc).lower()


def cpu_fallback_notice(reason: str) -> None:
    """Warn that work moves to the CPU (shown on stderr by the CLI, as a message by the GUI)."""
    warnings.warn(f"GPU failed ({reason}): continuing on the CPU", DeviceNotice, stacklevel=2)
