"""Tiled inference equals whole-input inference and handles odd and tiny sizes."""

import numpy as np
import pytest
import torch
from torch import nn

from geodesk.core.jobs import Cancelled, JobContext
from geodesk.ml.data.tiling import tiled_apply


def _conv_net(seed=0):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Conv2d(1, 6, 3, padding=1), nn.ReLU(), nn.Conv2d(6, 6, 3, padding=1),
                         nn.ReLU(), nn.Conv2d(6, 2, 3, padding=1)).eval()


def _fn(net):
    def fn(batch):
        with torch.no_grad():
            return net(torch.from_numpy(batch)).numpy()
    return fn


@pytest.mark.parametrize("shape", [(70, 53), (97, 131), (33, 200)])
def test_tiled_equals_whole_for_a_fully_convolutional_net(shape):
    net = _conv_net()
    x = np.random.default_rng(1).standard_normal((1, *shape)).astype(np.float32)
    whole = _fn(net)(x[None])[0]
    tiled = tiled_apply(_fn(net), x, tile=32, overlap=16, batch_size=3)
    assert tiled.shape == whole.shape
    np.testing.assert_allclose(tiled, whole, atol=1e-5, rtol=1e-5)


def test_seams_without_overlap_would_differ():
    """The comparison above is not vacuous: tiles with no overlap show their seams."""
    net = _conv_net()
    x = np.random.default_rng(1).standard_normal((1, 70, 53)).astype(np.float32)
    whole = _fn(net)(x[None])[0]
    tiled = tiled_apply(_fn(net), x, tile=32, overlap=0)
    assert np.abs(tiled - whole).max() > 1e-3


@pytest.mark.parametrize("shape", [(1, 1), (3, 5), (17, 9), (5, 300)])
def test_odd_and_tiny_inputs_are_padded_and_cropped_back(shape):
    seen = []

    def fn(batch):
        seen.append(batch.shape)
        return batch[:, :1] * 2.0

    x = np.arange(np.prod(shape), dtype=np.float32).reshape(1, *shape)
    out = tiled_apply(fn, x, tile=64, overlap=8, multiple=16, min_size=32)
    assert out.shape == (1, *shape)
    np.testing.assert_allclose(out, 2 * x)
    assert all(s[2] % 16 == 0 and s[3] % 16 == 0 and min(s[2:]) >= 32 for s in seen)


def test_tiling_reports_progress_and_stops_on_cancel():
    fractions = []
    ctx = JobContext(on_progress=lambda f, t: fractions.append(f), min_interval_s=0.0)
    x = np.zeros((1, 100, 100), dtype=np.float32)
    tiled_apply(lambda b: b, x, tile=32, overlap=8, batch_size=2, ctx=ctx)
    assert fractions[-1] == 1.0 and len(fractions) > 3
    ctx.cancel()
    with pytest.raises(Cancelled):
        tiled_apply(lambda b: b, x, tile=32, overlap=8, ctx=ctx)
