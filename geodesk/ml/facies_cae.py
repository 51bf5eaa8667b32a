"""Autoencoder features for facies: a :class:`~geodesk.ml.nets.cae.PatchCAE` trained on patches
of the survey itself (no labels, their amplitude spectra: :func:`patch_spectra`), then the
latent vector of the patch around each node of a grid (every :data:`STRIDE` traces and
samples), interpolated to every sample, with the patch's log RMS, is what K-means clusters.

Training runs in the caller's job (progress, cancel) on the CPU with the threads given (1 by
default: the workstation stays responsive). Amplitudes are divided by one survey-wide RMS so
the latent features keep the amplitude differences between facies. torch is imported here only.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy import ndimage

from geodesk.core.jobs import JobContext, PartContext
from geodesk.ml.facies_run import FaciesSettings, SurveyBlocks

#: Patch side (samples and traces), latent size, grid step of the encoded patches.
PATCH, LATENT, STRIDE = 32, 8, 4


class CAEFeatures:
    """A trained patch autoencoder and the survey scale: ``features(block, dt)`` gives the
    latent features of every sample of a block (lines, traces, samples)."""

    def __init__(self, net, scale: float, settings: FaciesSettings) -> None:
        self.net, self.scale, self.settings = net, float(scale), settings
        self.names = (*(f"cae{k}" for k in range(net.latent)), "log_patch_rms")

    def encode_section(self, section: np.ndarray) -> np.ndarray:
        """(traces, samples, latent) features of one section."""
        import torch

        n_tr, n_s = section.shape
        half = PATCH // 2
        padded = np.pad(section / self.scale, half, mode="reflect" if min(section.shape) > half
                        else "edge").astype(np.float32)
        ti, si = np.arange(0, n_tr, STRIDE), np.arange(0, n_s, STRIDE)
        windows = np.lib.stride_tricks.sliding_window_view(padded, (PATCH, PATCH))
        patches = windows[ti][:, si].reshape(-1, 1, PATCH, PATCH)
        out = []
        with torch.no_grad():
            for a in range(0, len(patches), 4096):
                p, level = patch_spectra(np.ascontiguousarray(patches[a:a + 4096]))
                z = self.net.encode(torch.from_numpy(p)).numpy()
                out.append(np.concatenate([z, level[:, None]], axis=1))
        grid = np.concatenate(out).reshape(len(ti), len(si), -1)
        zoom = (n_tr / len(ti), n_s / len(si), 1)
        full = ndimage.zoom(grid, zoom, order=1, mode="nearest", grid_mode=True)
        return full[:n_tr, :n_s]

    def features(self, block: np.ndarray, dt_ms: float) -> np.ndarray:
        """Latent features of every sample of a block (classify_survey smooths them)."""
        return np.stack([self.encode_section(s) for s in block]).astype(np.float32)


def sample_patches(blocks: SurveyBlocks, n: int, seed: int, sections: int = 16
                   ) -> tuple[np.ndarray, float]:
    """``n`` random patches (n, 1, PATCH, PATCH) from up to ``sections`` evenly spaced
    inlines, and the RMS they were divided by."""
    rng = np.random.default_rng(seed)
    lines = np.unique(np.linspace(0, blocks.n_lines - 1, min(sections, blocks.n_lines)
                                  ).astype(int))
    data = [blocks.read(int(i), int(i) + 1)[0] for i in lines]
    live = [blocks.live[int(i)] for i in lines]
    rms = float(np.sqrt(np.mean(np.concatenate([d[m].ravel() for d, m in zip(data, live)
                                                if m.any()] or [np.zeros(1)]) ** 2)))
    if not rms > 0:
        from geodesk.ml.facies import FaciesError

        raise FaciesError("the survey's samples are all zero: nothing for the autoencoder")
    out = np.empty((n, 1, PATCH, PATCH), dtype=np.float32)
    for k in range(n):
        d = data[int(rng.integers(len(data)))]
        p = np.pad(d, ((0, max(0, PATCH - d.shape[0])), (0, max(0, PATCH - d.shape[1]))))
        i = int(rng.integers(p.shape[0] - PATCH + 1))
        j = int(rng.integers(p.shape[1] - PATCH + 1))
        out[k, 0] = p[i:i + PATCH, j:j + PATCH] / rms
    return patch_spectra(out)[0], rms


def patch_spectra(patches: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """What the autoencoder sees of each patch: the log 2D amplitude spectrum (Hann-tapered) of
    the patch divided by its own RMS, and log10 of that RMS (kept as one more feature).

    A facies is a texture (frequency, lateral continuity), not a phase: on the waveforms
    themselves the latent vectors followed the phase of the events and K-means on them found
    no units (ARI 0.15-0.20 on geodesk.synth.facies seed 32, trained on seed 31), on the
    spectra 0.78."""
    level = np.sqrt(np.mean(patches.astype(np.float64) ** 2, axis=(1, 2, 3)))
    floor = 1e-3 * max(float(np.median(level)), 1e-12)
    scaled = patches / np.maximum(level, floor)[:, None, None, None]
    spectra = np.abs(np.fft.fftshift(np.fft.fft2(scaled * _TAPER), axes=(-2, -1)))
    return (np.log1p(spectra) - 1.0).astype(np.float32), \
        np.log10(np.maximum(level, floor)).astype(np.float32)


_TAPER = np.outer(np.hanning(PATCH), np.hanning(PATCH)) * 2.0


def train_cae(patches: np.ndarray, ctx: JobContext | None = None, *, steps: int = 300,
              seed: int = 0, threads: int = 1, batch: int = 32, lr: float = 2e-3):
    """A :class:`PatchCAE` fitted to ``patches`` by Adam on the mean squared reconstruction
    error; returns (net, first loss, last loss)."""
    import torch

    from geodesk.ml.nets.cae import PatchCAE

    ctx = ctx or JobContext()
    torch.set_num_threads(max(int(threads), 1))
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    net = PatchCAE(patch=PATCH, latent=LATENT)
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    data = torch.from_numpy(patches)
    losses = []
    for step in range(int(steps)):
        x = data[torch.from_numpy(rng.integers(0, len(data), batch))]
        loss = torch.mean((net(x) - x) ** 2)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(float(loss.detach()))
        ctx.progress((step + 1) / steps, f"autoencoder step {step + 1}/{steps}")
    net.eval()
    return net, float(np.mean(losses[:10])), float(np.mean(losses[-10:]))


def fit_cae_features(survey, settings: FaciesSettings, ctx: JobContext | None = None, *,
                     steps: int = 300, threads: int = 1, n_patches: int = 4096) -> CAEFeatures:
    """Train the autoencoder on patches of ``survey`` and return its feature maker."""
    blocks = SurveyBlocks(survey)
    patches, rms = sample_patches(blocks, n_patches, settings.seed)
    net, _first, _last = train_cae(patches, PartContext(ctx, 0, 1, "autoencoder"), steps=steps,
                                   seed=settings.seed, threads=threads)
    return CAEFeatures(net, rms, settings)


def survey_cae_featurizer(survey, settings: FaciesSettings, ctx: JobContext | None = None, *,
                          steps: int = 300, threads: int = 1
                          ) -> tuple[Callable[[np.ndarray, float], np.ndarray], tuple[str, ...]]:
    """(featurizer, feature names) for :func:`~geodesk.ml.facies_run.classify_survey` from an
    autoencoder trained on ``survey`` (the training is the first part of the job)."""
    feats = fit_cae_features(survey, settings, ctx, steps=steps, threads=threads)
    return feats.features, feats.names
