"""2D U-Net (Ronneberger et al. 2015) with configurable depth and width and dropout layers.

No normalisation layers: a batch- or group-norm would make a tile's output depend on the rest
of the tile (or the training batch), breaking tiled inference = whole-section inference.
Dropout (``Dropout2d``) sits in the bottleneck and every decoder block, so Monte-Carlo
dropout (dropout kept on at inference) gives an uncertainty estimate.
"""

from __future__ import annotations

import torch
from torch import nn


def _block(c_in: int, c_out: int, dropout: float) -> nn.Sequential:
    layers: list[nn.Module] = [nn.Conv2d(c_in, c_out, 3, padding=1), nn.ReLU(inplace=True),
                               nn.Conv2d(c_out, c_out, 3, padding=1), nn.ReLU(inplace=True)]
    if dropout > 0:
        layers.append(nn.Dropout2d(dropout))
    return nn.Sequential(*layers)


class UNet2d(nn.Module):
    """U-Net: ``depth`` poolings, ``width`` channels at the top doubling per level (capped at 8x).

    Input height and width must be divisible by ``2**depth`` (the tiler pads to that).
    """

    def __init__(self, in_channels: int = 1, out_channels: int = 1, *, depth: int = 4,
                 width: int = 16, dropout: float = 0.1) -> None:
        super().__init__()
        if depth < 1 or width < 1:
            raise ValueError("U-Net depth and width must be at least 1")
        chans = [width * min(2 ** k, 8) for k in range(depth + 1)]
        self.down = nn.ModuleList()
        c = in_channels
        for k in range(depth):
            self.down.append(_block(c, chans[k], 0.0))
            c = chans[k]
        self.bottom = _block(c, chans[depth], dropout)
        self.up = nn.ModuleList()
        self.dec = nn.ModuleList()
        c = chans[depth]
        for k in reversed(range(depth)):
            self.up.append(nn.ConvTranspose2d(c, chans[k], 2, stride=2))
            self.dec.append(_block(2 * chans[k], chans[k], dropout))
            c = chans[k]
        self.head = nn.Conv2d(c, out_channels, 1)
        self.pool = nn.MaxPool2d(2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        skips = []
        for block in self.down:
            x = block(x)
            skips.append(x)
            x = self.pool(x)
        x = self.bottom(x)
        for up, dec, skip in zip(self.up, self.dec, reversed(skips)):
            x = dec(torch.cat([up(x), skip], dim=1))
        return self.head(x)


def receptive_field(depth: int) -> int:
    """Receptive field (pixels) of :class:`UNet2d`: two 3x3 convs per level, both ways."""
    rf, jump = 1, 1
    for _ in range(depth):
        rf += 4 * jump
        jump *= 2
    rf += 4 * jump  # bottleneck
    for _ in range(depth):
        jump //= 2
        rf += 4 * jump
    return rf
