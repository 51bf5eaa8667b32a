"""Self-supervised adaptation of the denoiser to a user's own survey (blind-spot training).

Noise2Void / Noise2Self family: random samples of the survey's own noisy sections are hidden
(replaced by samples of neighbouring traces) and the network, fine-tuned from the given weights,
learns to predict each hidden sample from what surrounds it; the loss is taken only there, so
no clean data is needed. The target is the noisy sample itself: whatever part of it can be
predicted from its surroundings (signal, continuous from trace to trace) is what the denoiser
keeps; noise independent from sample to sample cannot be predicted and is what it removes.
Coherent noise is predictable and is kept, which is right: it might be signal.

Masking fits the 2.5D input: a hidden sample is hidden in every one of the 2c + 1 sections the
network reads (a 2D line is its own neighbours, so its copies would give the sample away), and
along ``blind_half`` samples above and below it on its trace (noise of real data is
band-limited, so correlated over a few samples). Zero-filled or muted regions and dead traces
are never used. Qt-free; a job (progress, cancel through :class:`JobContext`).
"""

from __future__ import annotations

import copy
import datetime
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from geodesk.core.jobs import JobContext
from geodesk.core.processing.denoise_checks import constant_regions
from geodesk.core.survey import Survey, SurveyError
from geodesk.ml.data.tiling import pad_to

#: How the adaptation masks (recorded in the model's provenance).
METHOD = ("blind-spot self-supervised fine-tuning (Noise2Void family) on the survey's own noisy "
          "sections; no clean data")


@dataclass
class AdaptSettings:
    """Hyper-parameters of one adaptation run."""

    steps: int = 300
    lr: float = 1e-4
    batch_size: int = 8
    patch: tuple[int, int] = (64, 64)
    mask_fraction: float = 0.015  # share of a patch's samples that are loss centres
    blind_half: int = 2  # samples hidden above and below each centre on its trace
    max_sections: int = 24
    max_bytes: int = 256 * 2**20  # the sections kept for training, all together
    seed: int = 0


@dataclass
class Example:
    """One section in network layout: input (C, traces, samples) and where it holds data."""

    inp: np.ndarray
    valid: np.ndarray


def _section_keys(survey: Survey, max_sections: int) -> list[tuple[str, float]]:
    from geodesk.core.derived import positions

    modes = {"post3d": ("inline", "crossline"), "post2d": ("line",),
             "prestack": ("gather",)}.get(survey.kind)
    if modes is None:
        raise SurveyError(f"{survey.name}: cannot adapt a denoiser to a {survey.kind} file")
    keys = []
    for mode in modes:
        vals = positions(survey, mode)
        take = np.unique(np.linspace(0, len(vals) - 1, min(len(vals), max_sections)).round())
        keys += [(mode, float(vals[int(i)])) for i in take]
    return keys


def _crop(ex: Example, max_area: int, rng: np.random.Generator) -> Example:
    """``ex`` cut to at most ``max_area`` samples (traces first), where it holds most data."""
    h, w = ex.valid.shape
    ch = min(h, max(64, max_area // max(w, 1)))
    cw = min(w, max(64, max_area // ch))
    if (ch, cw) == (h, w):
        return ex
    starts = [(int(rng.integers(0, h - ch + 1)), int(rng.integers(0, w - cw + 1)))
              for _ in range(4)]
    r, c = max(starts, key=lambda rc: ex.valid[rc[0]:rc[0] + ch, rc[1]:rc[1] + cw].sum())
    return Example(ex.inp[:, r:r + ch, c:c + cw].copy(), ex.valid[r:r + ch, c:c + cw].copy())


def survey_examples(survey: Survey, model: Any, max_sections: int = 24,
                    ctx: JobContext | None = None, max_bytes: int = 256 * 2**20,
                    seed: int = 0) -> list[Example]:
    """Up to ``max_sections`` sections of each kind (inlines and crosslines, the 2D line, or
    gathers), evenly spread, with their neighbours for a 2.5D model, prepared as the model
    prepares them for inference (each scaled by its own RMS), then cut so that all together
    hold at most ``max_bytes``."""
    from geodesk.core.derived import model_input, read_section

    ctx = ctx or JobContext()
    out = []
    keys = _section_keys(survey, max_sections)
    max_area = max_bytes // (4 * (2 * int(model.context) + 1) * len(keys))
    rng = np.random.default_rng([int(seed), 53])
    for k, (mode, value) in enumerate(keys):
        ctx.progress(0.1 * k / len(keys), f"reading {mode} {value:g}")
        sec = read_section(survey, mode, value)
        x = model_input(survey, mode, sec, value, int(model.context))
        prep = model._prepare(x)
        valid = prep.mask.astype(bool) & ~constant_regions(prep.meta["data"])
        if valid.sum() >= 16:
            out.append(_crop(Example(prep.inp, valid), max_area, rng))
    if not out:
        raise SurveyError(f"{survey.name}: no live data to adapt the denoiser to")
    return out


def _patch(ex: Example, size: tuple[int, int], rng: np.random.Generator
           ) -> tuple[np.ndarray, np.ndarray]:
    ph, pw = size
    h, w = ex.valid.shape
    r = int(rng.integers(0, max(h - ph, 0) + 1))
    c = int(rng.integers(0, max(w - pw, 0) + 1))
    inp = pad_to(ex.inp[:, r:r + ph, c:c + pw], (ph, pw))
    valid = np.zeros((ph, pw), dtype=bool)
    v = ex.valid[r:r + ph, c:c + pw]
    valid[:v.shape[0], :v.shape[1]] = v
    return inp, valid


def blind_spot(inp: np.ndarray, valid: np.ndarray, rng: np.random.Generator, *,
               fraction: float, half: int) -> tuple[np.ndarray, np.ndarray]:
    """(masked copy of ``inp`` (C, H, W), loss centres (H, W)): centres drawn among ``valid``
    samples; each centre and ``half`` samples above and below it along its trace take, in every
    channel, the value of a random sample of a neighbouring trace (1-2 traces away, ±2 samples)."""
    _, h, w = inp.shape
    centres = valid & (rng.random((h, w)) < fraction)
    ti, si = np.nonzero(centres)
    rows, cols = [], []
    for d in range(-int(half), int(half) + 1):
        rows.append(ti)
        cols.append(si + d)
    rows, cols = np.concatenate(rows), np.clip(np.concatenate(cols), 0, w - 1)
    shift = rng.choice([-2, -1, 1, 2], size=rows.size)
    src_r = rows + shift
    src_r = np.where((src_r < 0) | (src_r >= h), rows - shift, src_r).clip(0, h - 1)
    src_c = np.clip(cols + rng.integers(-2, 3, size=cols.size), 0, w - 1)
    masked = inp.copy()
    masked[:, rows, cols] = inp[:, src_r, src_c]
    return masked, centres


def _batch(examples: list[Example], s: AdaptSettings, rng: np.random.Generator):
    inps, masked, centres = [], [], []
    for _ in range(int(s.batch_size)):
        inp, valid = _patch(examples[int(rng.integers(len(examples)))], tuple(s.patch), rng)
        m, c = blind_spot(inp, valid, rng, fraction=s.mask_fraction, half=s.blind_half)
        inps.append(inp)
        masked.append(m)
        centres.append(c)
    return np.stack(inps), np.stack(masked), np.stack(centres).astype(np.float32)


def _blind_loss(net, context: int, batch, device):
    """Mean squared error of the denoised centre section against the hidden noisy samples."""
    import torch

    inp, masked, centres = (torch.from_numpy(a).to(device) for a in batch)
    out = masked[:, context] - net(masked)[:, 0]
    err = (out - inp[:, context]) ** 2 * centres
    return err.sum() / centres.sum().clamp_min(1.0)


def check_adapt_output(out: str | os.PathLike, *, survey_path: str | os.PathLike,
                       source: str | os.PathLike | None) -> Path:
    """The adapted model's path, refusing the survey, the model it starts from and the folder
    of shipped weights (an adapted file there would become everyone's default denoiser)."""
    from geodesk.ml.registry import models_dir
    from geodesk.ml.training import check_output_path

    p = check_output_path(out)
    target = p.resolve()
    if target == Path(survey_path).resolve():
        raise ValueError(f"{p} is the survey itself; give another file for the model")
    if source is not None and target == Path(source).resolve():
        raise ValueError(f"{p} is the model being adapted; write the adapted one elsewhere")
    shipped = models_dir().resolve()
    if target.parent == shipped:
        raise ValueError(f"{p} is in the shipped models folder {shipped}; write the adapted "
                         "model elsewhere")
    return p


def adapt_denoiser(survey: Survey, model: Any, ctx: JobContext | None = None, *,
                   settings: AdaptSettings | None = None, out: str | os.PathLike | None = None,
                   source: str | os.PathLike | None = None, command: str = "") -> Any:
    """A copy of the denoising ``model`` fine-tuned by blind-spot training on ``survey``'s own
    sections; written atomically to ``out`` when given (never over the survey, ``source``, the
    file the model came from, or the shipped weights). ``model`` itself is left unchanged."""
    import torch

    ctx = ctx or JobContext()
    s = settings or AdaptSettings()
    if int(s.steps) < 1:
        raise ValueError("adaptation needs at least one step")
    if getattr(model, "task", None) != "denoise":
        raise ValueError(f"only a denoising model can be adapted, not {model!r}")
    path = None if out is None else check_adapt_output(out, survey_path=survey.path,
                                                       source=source)
    t0 = time.monotonic()
    examples = survey_examples(survey, model, s.max_sections, ctx, s.max_bytes, s.seed)
    new = copy.deepcopy(model)
    new.weight_id_ = None  # adapted weights are not the file's
    net, device, c = new.net_, new.device_, int(new.context)
    optimizer = torch.optim.Adam(net.parameters(), lr=float(s.lr))
    rng = np.random.default_rng(np.random.SeedSequence([int(s.seed), 31]))
    check = [_batch(examples, s, np.random.default_rng([int(s.seed), 97, k])) for k in range(4)]

    def held_out_loss() -> float:
        net.eval()
        with torch.no_grad():
            return float(np.mean([float(_blind_loss(net, c, b, device)) for b in check]))

    before = held_out_loss()
    losses: list[float] = []
    history = list(getattr(new, "history_", []))
    chunk = max(int(s.steps) // 10, 1)
    for k in range(int(s.steps)):
        ctx.progress(0.1 + 0.9 * k / int(s.steps), f"adapting to {survey.name}: step "
                     f"{k + 1}/{s.steps}" + (f", loss {losses[-1]:.3g}" if losses else ""))
        net.train()
        optimizer.zero_grad()
        loss = _blind_loss(net, c, _batch(examples, s, rng), device)
        loss.backward()
        optimizer.step()
        losses.append(float(loss.detach()))
        if (k + 1) % chunk == 0 or k + 1 == int(s.steps):
            history.append({"adapt_step": k + 1, "loss": float(np.mean(losses[-chunk:]))})
    after = held_out_loss()
    net.eval()
    new.history_ = history
    new.n_steps_ = int(getattr(model, "n_steps_", 0)) + int(s.steps)
    new.provenance_ = _provenance(model, survey, s, len(examples), before, after, source,
                                  command, time.monotonic() - t0, new)
    if path is not None:
        ctx.progress(1.0, f"writing {path.name}")
        new.save(path)
    ctx.progress(1.0, f"adapted: blind-spot loss {before:.3g} -> {after:.3g}")
    return new


def _provenance(parent: Any, survey: Survey, s: AdaptSettings, n_sections: int, before: float,
                after: float, source: Any, command: str, seconds: float, new: Any
                ) -> dict[str, Any]:
    import torch

    prev = dict(getattr(parent, "provenance_", {}) or {})
    prev = {k: prev[k] for k in ("command", "date", "validation", "self_supervised", "survey")
            if k in prev}
    if source is not None:
        prev["path"] = str(Path(source).resolve())
    return {
        "command": command,
        "self_supervised": METHOD,
        "survey": str(Path(survey.path).resolve()),
        "survey_kind": survey.kind,
        "sections": n_sections,
        "settings": {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(s).items()},
        "blind_spot_loss_before": round(before, 5),
        "blind_spot_loss_after": round(after, 5),
        "total_steps": int(new.n_steps_),
        "train_seconds": round(seconds, 1),
        "device": str(new.device_),
        "torch": torch.__version__,
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "fine_tuned_from": prev or None,
    }
