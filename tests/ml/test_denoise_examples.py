"""The denoiser's synthetic noise is not always stationary: some draws hold bursts or spikes."""

from __future__ import annotations

import numpy as np

from geodesk.ml.data.datasets import _non_stationary


def test_some_draws_add_spikes_and_bursts_and_the_rest_leave_the_noise_alone():
    base = np.random.default_rng(0).standard_normal((7, 64, 64)).astype(np.float32)
    spiky = bursty = same = 0
    for seed in range(40):
        out = _non_stationary(np.random.default_rng(seed), base)
        if np.array_equal(out, base):
            same += 1
            continue
        ratio = np.abs(out) / np.maximum(np.abs(base), 1e-6)
        spiky += int(np.abs(out - base).max() > 4.0)  # a spike of >= 5 RMS
        local = np.sqrt(np.mean((out / base.std()) ** 2, axis=(0, 2)))  # RMS per trace
        bursty += int(local.max() / local.min() > 1.5 and np.median(ratio) != 1.0)
    assert 5 <= same <= 30  # about half the draws (0.7 x 0.7) stay stationary
    assert spiky >= 4 and bursty >= 4
