"""Fine-tuning the fault model on the interpreter's sticks and fully interpreted sections.

The labels of a section are pixels: a band of ``band`` pixels around each stick the interpreter
drew or corrected is "fault"; on a section marked fully interpreted every other live pixel is
"no fault" (a ring of ``guard`` pixels beside the band is left out: a hand-drawn stick is not
pixel exact); on a section that is not, only the pixels where the model's stick was before a
correction moved it are "no fault". Every other pixel is masked out of the loss. Sticks are in
(inline, crossline, time ms), so a section of another sample interval is resampled by the
mapping itself; a stick or a section outside the survey's grid or record is refused
(:class:`~geodesk.ml.finetune.FineTuneRefused`: the survey changed since the label was made).
The loop, the hold-back and the writing are those of :mod:`geodesk.ml.finetune`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from geodesk.core.jobs import JobContext
from geodesk.core.labels import SectionLabels
from geodesk.core.section import Section
from geodesk.ml.finetune import (
    FineTuneRefused,
    FineTuneResult,
    FineTuneSettings,
    TaskTuning,
    finetune_items,
    focus,
    split_whole,
)
from geodesk.ml.tasks.common import dilate


def fault_settings() -> FineTuneSettings:
    """Defaults for faults: fewer, costlier steps than first breaks. The hold-back is by trace
    blocks of every section, chosen on validation sections (bench_fault_finetune_validation.py:
    evaluation family seeds 1000-1011 corrected, 1500-1507 scored, 3 and 6 corrections, 2
    orders; 1 thread, shared machine): F1 on the other sections 0.628 against 0.604 with whole
    sections held back (base 0.464), on the corrected sections 0.858 against 0.767 (base
    0.387); lr 1e-3 instead of 5e-4: 0.614 / 0.870."""
    return FineTuneSettings(steps=120, lr=5e-4, eval_every=20, patience=4, n_synthetic=3,
                            synthetic_size=128, synthetic_fraction=0.2, holdout_by="traces")


@dataclass
class LabelledSection:
    """One section with its fault label pixels: ``target`` 1 on faults, ``mask`` the labelled
    pixels (traces, samples)."""

    key: tuple[str, float]
    section: Section
    target: np.ndarray
    mask: np.ndarray

    @property
    def n_labels(self) -> int:
        return int(self.mask.sum())


# -- labels to pixels ----------------------------------------------------------------------------
def stick_key(section_kind: str, points: np.ndarray) -> np.ndarray:
    """The trace coordinate of stick points along a section of ``section_kind``."""
    return points[:, 0] if section_kind == "crossline" else points[:, 1]


def rasterize(section: Section, sticks: list[np.ndarray]) -> np.ndarray:
    """Pixels (traces, samples) the polylines ``sticks`` ((n, 3) inline, crossline, ms) cross."""
    from geodesk.core.tools.base import key_to_position

    out = np.zeros(section.data.shape, dtype=bool)
    t = np.asarray(section.axis1.values, dtype=float)
    dt = float(t[1] - t[0]) if t.size > 1 else 1.0
    for pts in sticks:
        pts = np.asarray(pts, dtype=float).reshape(-1, 3)
        x = key_to_position(section.axis0.values, stick_key(section.kind, pts))
        y = (pts[:, 2] - t[0]) / dt
        if len(pts) == 1:
            xs, ys = x, y
        else:
            parts = []
            for k in range(len(pts) - 1):
                n = int(np.ceil(2 * max(abs(x[k + 1] - x[k]), abs(y[k + 1] - y[k])))) + 2
                w = np.linspace(0.0, 1.0, n)
                parts.append((x[k] + w * (x[k + 1] - x[k]), y[k] + w * (y[k + 1] - y[k])))
            xs = np.concatenate([p[0] for p in parts])
            ys = np.concatenate([p[1] for p in parts])
        i = np.clip(np.round(xs).astype(int), 0, out.shape[0] - 1)
        j = np.clip(np.round(ys).astype(int), 0, out.shape[1] - 1)
        out[i, j] = True
    return out


def label_pixels(section: Section, labels: SectionLabels, band: int = 1, guard: int = 3
                 ) -> tuple[np.ndarray, np.ndarray]:
    """(target, mask) of one section's labels; see the module docstring."""
    live = np.ones(section.data.shape[0], dtype=bool) if section.live is None else \
        np.asarray(section.live, dtype=bool)
    drawn = rasterize(section, labels.sticks)
    target = dilate(drawn, band) if drawn.any() else drawn
    near = dilate(drawn, band + guard) if drawn.any() else drawn
    if labels.fully_interpreted:
        mask = target | ~near
    else:
        moved = rasterize(section, labels.model_sticks)
        moved = dilate(moved, band) if moved.any() else moved
        mask = target | (moved & ~near)
    mask &= live[:, None]
    return (target & mask).astype(np.float32), mask


def _section(survey: Any, kind: str, number: float) -> Section:
    """The section of a label, refused when the survey has no such section."""
    if kind == "line":
        if survey.kind != "post2d":
            raise FineTuneRefused(f"a label on a 2D line, but {survey.name} is a {survey.kind} "
                                  "survey: the labels belong to another survey")
        return survey.line()
    if survey.kind != "post3d":
        raise FineTuneRefused(f"a label on {kind} {number:g}, but {survey.name} is a "
                              f"{survey.kind} survey: the labels belong to another survey")
    lines = survey.inlines if kind == "inline" else survey.crosslines
    if float(number) not in set(np.asarray(lines, dtype=float).tolist()):
        raise FineTuneRefused(f"a label on {kind} {number:g}, which {survey.name} does not have "
                              f"({kind}s {lines[0]}-{lines[-1]}): the survey changed since the "
                              "label was made; relink the right file or delete the label")
    return survey.inline(int(number)) if kind == "inline" else survey.crossline(int(number))


def _check_inside(section: Section, labels: SectionLabels) -> None:
    keys = np.asarray(section.axis0.values, dtype=float)
    t = np.asarray(section.axis1.values, dtype=float)
    where = f"{labels.section_kind} {labels.section_number:g}"
    for pts in [*labels.sticks, *labels.model_sticks]:
        pts = np.asarray(pts, dtype=float).reshape(-1, 3)
        k = stick_key(labels.section_kind, pts)
        step = abs(float(keys[1] - keys[0])) if keys.size > 1 else 1.0
        if (k < keys.min() - step).any() or (k > keys.max() + step).any():
            raise FineTuneRefused(f"a stick on {where} lies outside the section "
                                  f"({keys.min():g}-{keys.max():g}): the survey changed since")
        if (pts[:, 2] < t[0]).any() or (pts[:, 2] > t[-1]).any():
            raise FineTuneRefused(f"a stick on {where} lies outside the record "
                                  f"({t[0]:g} to {t[-1]:g} ms)")


def labelled_sections(survey: Any, labels: list[SectionLabels], ctx: JobContext | None = None,
                      band: int = 1) -> list[LabelledSection]:
    """The labelled sections of a post-stack ``survey`` with their label pixels."""
    ctx = ctx or JobContext()
    out = []
    for n, lab in enumerate(labels):
        ctx.progress(n / max(len(labels), 1),
                     f"reading {lab.section_kind} {lab.section_number:g}")
        sec = _section(survey, lab.section_kind, lab.section_number)
        _check_inside(sec, lab)
        target, mask = label_pixels(sec, lab, band)
        if mask.any():
            out.append(LabelledSection((lab.section_kind, float(lab.section_number)), sec,
                                       target, mask))
    return out


def interpretation_fault_labels(interp: Any) -> list[SectionLabels]:
    """Fault labels in force of one survey's picks (:mod:`geodesk.core.labels`)."""
    from geodesk.core.labels import LabelSet

    return LabelSet.from_interpretation(interp).for_training("faults")


def csv_fault_labels(sticks_csv: str | os.PathLike, survey: Any,
                     interpreted: str | os.PathLike | None = None) -> list[SectionLabels]:
    """Labels of a fault-stick CSV (each stick on the inline, crossline or line all its nodes
    share) and of a list of fully interpreted sections (``kind,number`` or ``kind number`` per
    line; a listed section without sticks says "no fault here")."""
    from geodesk.core.exchange.csv_io import read_fault_csv

    sections: dict[tuple[str, float], list[np.ndarray]] = {}
    for name, sticks in read_fault_csv(sticks_csv).items():
        for k, pts in enumerate(sticks):
            sections.setdefault(_stick_section(pts, survey, f"fault {name!r} stick {k}"),
                                []).append(pts)
    full = set(read_section_list(interpreted)) if interpreted is not None else set()
    keys = sorted(set(sections) | full)
    return [SectionLabels(kind, number, sections.get((kind, number), []), (kind, number) in full)
            for kind, number in keys]


def _stick_section(pts: np.ndarray, survey: Any, what: str) -> tuple[str, float]:
    if getattr(survey, "kind", "") == "post2d":
        return "line", 0.0
    if np.all(pts[:, 0] == pts[0, 0]):
        return "inline", float(pts[0, 0])
    if np.all(pts[:, 1] == pts[0, 1]):
        return "crossline", float(pts[0, 1])
    raise FineTuneRefused(f"{what} is on no inline or crossline (its nodes change both): "
                          "only sticks drawn on a section are labels")


def read_section_list(path: str | os.PathLike) -> list[tuple[str, float]]:
    """Sections of a fully-interpreted list: ``inline,120`` / ``crossline 40`` / ``line``
    per line, ``#`` comments and a ``section_kind,section_number`` header allowed."""
    out = []
    for n, raw in enumerate(Path(path).read_text().splitlines(), 1):
        text = raw.split("#", 1)[0].replace(",", " ").split()
        if not text or text[0] == "section_kind":
            continue
        kind = text[0].lower()
        if kind == "line" and len(text) <= 2:
            out.append(("line", float(text[1]) if len(text) == 2 else 0.0))
            continue
        if kind not in ("inline", "crossline") or len(text) != 2:
            raise FineTuneRefused(f"{Path(path).name} line {n}: expected 'inline N', "
                                  f"'crossline N' or 'line', got {raw.strip()!r}")
        try:
            out.append((kind, float(text[1])))
        except ValueError:
            raise FineTuneRefused(f"{Path(path).name} line {n}: {text[1]!r} is not a "
                                  "line number") from None
    return out


# -- hold-back and agreement --------------------------------------------------------------------
def split_sections(items: list[LabelledSection], fraction: float, seed: int = 0, *,
                   by: str = "traces") -> tuple[list[LabelledSection], list[LabelledSection]]:
    """(training, held-back). ``by="traces"``: every fifth block of 8 traces of EVERY section
    (each section trains on the rest, so the step kept is the one that fits the corrections
    made; whole held-back sections were often fault-free ones the base already called right,
    F1 1.0 that no step can beat, and were never trained on). ``by="sections"`` (or
    ``"gathers"``): whole sections when there are three or more, else blocks as above."""
    if fraction <= 0 or not items:
        return list(items), []
    if by not in ("traces", "sections", "gathers"):
        raise ValueError(f"fault holdout by {by!r}: 'traces' or 'sections'")
    if by != "traces" and len(items) >= 3:
        return split_whole(items, fraction, seed)
    train, test = [], []
    for s in items:
        block = (np.arange(s.mask.shape[0]) // 8) % 5 == 2
        hold = np.broadcast_to(block[:, None], s.mask.shape)
        train.append(LabelledSection(s.key, s.section, s.target, s.mask & ~hold))
        test.append(LabelledSection(s.key, s.section, s.target, s.mask & hold))
    return train, [s for s in test if s.n_labels]


def fault_agreement(model: Any, items: list[LabelledSection], ctx: JobContext | None = None,
                    threshold: float = 0.5) -> dict[str, Any]:
    """How the model's fault pixels (probability >= ``threshold``, the overlay's default)
    agree with the labelled pixels: F1 with one-pixel tolerance pooled over the sections,
    precision, recall and the share of labelled pixels called right."""
    if not items:
        return {"labels": 0, "f1": None, "precision": None, "recall": None, "accuracy": None}
    n_pred = n_true = hit_p = hit_t = right = total = 0
    for s in items:
        if ctx is not None:
            ctx.check_cancel()
        prob = np.asarray(model.predict(s.section), dtype=float)
        pred = (prob >= threshold) & s.mask
        truth = (s.target > 0) & s.mask
        n_pred, n_true = n_pred + int(pred.sum()), n_true + int(truth.sum())
        hit_p += int((pred & dilate(truth, 1)).sum())
        hit_t += int((truth & dilate(pred, 1)).sum())
        right += int((pred == truth)[s.mask].sum())
        total += int(s.mask.sum())
    precision = hit_p / n_pred if n_pred else (1.0 if not n_true else 0.0)
    recall = hit_t / n_true if n_true else 1.0
    f1 = 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)
    return {"labels": total, "f1": round(f1, 4), "precision": round(precision, 4),
            "recall": round(recall, 4), "accuracy": round(right / max(total, 1), 4)}


def _rank(a: dict[str, Any]) -> tuple[float, float]:
    return (a.get("f1") or 0.0, a.get("accuracy") or 0.0)


# -- the fine-tune ------------------------------------------------------------------------------
def prepare_labelled(model: Any, s: LabelledSection) -> Any:
    """The network-layout example of a labelled section, its loss mask the label pixels
    (resampled with the section onto the model's work samples), cut around them."""
    from geodesk.ml.data.normalize import interp_time

    prep = model._prepare(s.section, s.target)
    mask = s.mask.astype(np.float32)
    if mask.shape[1] != prep.mask.shape[1]:
        mask = interp_time(mask, 1.0, float(prep.meta["step"]), prep.mask.shape[1]) >= 0.5
    prep.mask = (prep.mask * mask).astype(np.float32)
    return focus(prep, tuple(model.patch))


FAULTS = TaskTuning("faults", split_sections, prepare_labelled, fault_agreement, _rank, "f1",
                    "sections", "no fault labels (sticks drawn or corrected, or sections marked "
                    "fully interpreted) to train on",
                    split_options=lambda s: {"by": s.holdout_by})


def finetune_faults(base: str | os.PathLike, items: list[LabelledSection],
                    out: str | os.PathLike, **kw: Any) -> FineTuneResult:
    """Fine-tune the fault model file ``base`` on labelled sections into ``out``
    (:func:`~geodesk.ml.finetune.finetune_items`; ``settings`` default :func:`fault_settings`)."""
    kw["settings"] = kw.get("settings") or fault_settings()
    return finetune_items(FAULTS, base, items, out, **kw)
