"""DnCNN (Zhang et al. 2017): a plain conv stack that learns the noise (residual learning).

``depth`` conv layers (17 in the paper) of ``width`` channels, 3x3, ReLU; the network predicts
the noise and the model returns ``input - noise``. Batch normalisation of the paper is left out
so tiled inference equals whole-section inference (see :mod:`geodesk.ml.nets.unet`); training uses
Adam with a small learning rate instead.
"""

from __future__ import annotations

import torch
from torch import nn


class DnCNN(nn.Module):
    """Noise estimator: ``forward(x)`` is the noise; denoised = ``x - forward(x)``. With
    ``out_channels`` < ``in_channels`` the extra inputs are context (neighbouring sections)."""

    def __init__(self, in_channels: int = 1, *, depth: int = 17, width: int = 64,
                 dropout: float = 0.0, out_channels: int | None = None) -> None:
        super().__init__()
        if depth < 2:
            raise ValueError("DnCNN depth must be at least 2")
        layers: list[nn.Module] = [nn.Conv2d(in_channels, width, 3, padding=1),
                                   nn.ReLU(inplace=True)]
        for _ in range(depth - 2):
            layers += [nn.Conv2d(width, width, 3, padding=1), nn.ReLU(inplace=True)]
            if dropout > 0:
                layers.append(nn.Dropout2d(dropout))
        layers.append(nn.Conv2d(width, out_channels or in_channels, 3, padding=1))
        self.body = nn.Sequential(*layers)
        # He initialisation keeps the signal alive through a deep ReLU stack without batch norm
        for m in layers:
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
                nn.init.zeros_(m.bias)
        nn.init.zeros_(layers[-1].weight)  # start as the identity (no noise removed)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.body(x)


def receptive_field(depth: int) -> int:
    """Receptive field (pixels) of :class:`DnCNN`: one pixel more each side per layer."""
    return 2 * depth + 1
