"""A small convolutional autoencoder of seismic patches (the review's section 8.1): a patch of
``patch`` x ``patch`` samples is encoded to ``latent`` numbers and decoded back; the latent
vectors are the features K-means clusters into facies."""

from __future__ import annotations

import torch
from torch import nn


class PatchCAE(nn.Module):
    """Encoder: three stride-2 convolutions and a linear layer to ``latent``; decoder mirrored."""

    def __init__(self, *, patch: int = 32, latent: int = 8, width: int = 16) -> None:
        super().__init__()
        if patch % 8:
            raise ValueError(f"patch must be a multiple of 8, got {patch}")
        self.patch, self.latent, self.width = patch, latent, width
        side = patch // 8
        self.encoder = nn.Sequential(
            nn.Conv2d(1, width, 3, stride=2, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(width, width, 3, stride=2, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(width, width, 3, stride=2, padding=1), nn.ReLU(inplace=True),
            nn.Flatten(), nn.Linear(width * side * side, latent))
        self.decoder = nn.Sequential(
            nn.Linear(latent, width * side * side), nn.ReLU(inplace=True),
            nn.Unflatten(1, (width, side, side)),
            nn.ConvTranspose2d(width, width, 4, stride=2, padding=1), nn.ReLU(inplace=True),
            nn.ConvTranspose2d(width, width, 4, stride=2, padding=1), nn.ReLU(inplace=True),
            nn.ConvTranspose2d(width, 1, 4, stride=2, padding=1))

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        return self.encoder(x)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.decoder(self.encoder(x))
