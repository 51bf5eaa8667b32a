"""Tiny untrained model files for GUI tests (CPU, built in milliseconds, one torch thread)."""

from __future__ import annotations

from pathlib import Path

TINY = {"faults": {"depth": 2, "width": 4}, "firstbreaks": {"depth": 2, "width": 4},
        "velocities": {"depth": 2, "width": 4, "n_bins": 16},
        "denoise": {"depth": 3, "width": 4}}


def tiny_model_file(task: str, path: Path) -> Path:
    """Write a freshly initialised tiny model of ``task`` to ``path``."""
    import torch

    from geodesk.ml.registry import default_model_class

    torch.set_num_threads(1)  # CI shares two cores
    # a denoiser keeps all it removes here (no leakage retrieval): the view's tests need a
    # result that differs from the original wherever the random network changes it
    extra = {"leakage": False} if task == "denoise" else {}
    model = default_model_class(task)(**TINY[task], **extra, tile=64, device="cpu", seed=0)
    model._init_net()
    if task == "firstbreaks":
        # an untrained net may call every sample "before the onset" and pick nothing; a
        # constant head (before = after, "at" unlikely) picks every live trace at its start
        with torch.no_grad():
            model.net_.head.weight.zero_()
            model.net_.head.bias.copy_(torch.tensor([0.0, -4.0, 0.0]))
    if task == "denoise":
        # DnCNN starts as the identity (last layer zero): give it a seeded non-zero one, so a
        # shown "denoised" section that is really the original cannot pass for the result
        gen = torch.Generator().manual_seed(0)
        with torch.no_grad():
            last = model.net_.body[-1]
            last.weight.copy_(0.05 * torch.randn(last.weight.shape, generator=gen))
    return model.save(path)


def wait_done(qtbot, handle, timeout_ms: int = 60000):
    """Wait until a job handle has finished, failed or been cancelled; returns the handle."""
    assert handle is not None
    with qtbot.waitSignal(handle.done, timeout=timeout_ms):
        pass
    return handle
