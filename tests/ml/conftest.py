"""Tiny models and tiny synthetic examples for the deep-model tests (CPU, a few steps)."""

import pytest

from geodesk import cli
from geodesk.ml.data.datasets import examples

#: Hyper-parameters that make every registered model tiny enough for a test.
_COMMON = {"batch_size": 2, "epochs": 2, "steps_per_epoch": 2, "tile": 64, "device": "cpu"}
TINY = {
    "fault-unet": {"depth": 2, "width": 4, "patch": (32, 32), **_COMMON},
    # four steps leave a first-break net that calls every sample "before" and picks nothing,
    # which the plumbing tests cannot use; 80 steps (0.7 s) pick about half the traces
    "firstbreak-unet": {"depth": 2, "width": 4, "patch": (16, 64), **_COMMON,
                        "steps_per_epoch": 40, "lr": 3e-3},
    "velocity-unet": {"depth": 2, "width": 4, "n_bins": 16, "patch": (16, 32), **_COMMON},
    "denoise-dncnn": {"depth": 3, "width": 4, "patch": (32, 32), **_COMMON},
}


def _tiny_model(name, **changes):
    from geodesk.ml.registry import get_model_class

    return get_model_class(name)(**{**TINY[name], **changes})


def _tiny_examples(task, seed=3):
    return examples(task, seed, size=32)


@pytest.fixture
def tiny_model():
    """Factory: ``tiny_model(name, **changes)`` builds a registered model with tiny settings."""
    return _tiny_model


@pytest.fixture
def tiny_examples():
    """Factory: ``tiny_examples(task, seed=3)`` gives (inputs, truths) of a tiny synthetic draw."""
    return _tiny_examples


@pytest.fixture
def main(monkeypatch, tmp_path):
    """cli.main with an empty shipped-weights folder."""
    empty = tmp_path / "shipped"
    empty.mkdir()
    monkeypatch.setenv("GEODESK_MODELS", str(empty))
    return cli.main


@pytest.fixture(autouse=True)
def _one_thread():
    import torch

    n = torch.get_num_threads()
    torch.set_num_threads(1)  # CI shares two cores; results must not depend on thread count
    yield
    torch.set_num_threads(n)
