"""The denoiser leaves zero-filled tops, mutes and dead traces exactly as they were."""

from __future__ import annotations

import numpy as np


def test_zero_filled_top_mute_and_dead_trace_stay_zero(tiny_model):
    import torch

    model = tiny_model("denoise-dncnn", context=1)
    model._init_net()
    with torch.no_grad():  # a network that changes every sample it is shown
        last = model.net_.body[-1]
        last.weight.copy_(0.05 * torch.randn(last.weight.shape,
                                             generator=torch.Generator().manual_seed(0)))
        last.bias.fill_(0.1)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 40, 90)).astype(np.float32)
    x[:, :, :15] = 0.0  # zero-padded top
    x[:, 7] = 0.0  # dead trace
    for j in range(40):
        x[:, j, 15:15 + j] = 0.0  # muted wedge
    out = model.predict(x)
    filled = x[1] == 0.0
    assert np.all(out[filled] == 0.0)
    assert np.abs(out[~filled] - x[1][~filled]).mean() > 1e-3  # the rest was changed
    single = model.predict(x[1])  # a lone section too
    assert np.all(single[filled] == 0.0)
