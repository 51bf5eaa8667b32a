"""Training labels derived from the interpreter's work: corrections, confirmations, erasures.

Nothing here is stored twice: labels are read off the picks (which keep the model's value beside
a correction: ``model_times``/``model_provenance`` of first breaks and horizons, model knots of
velocity functions, ``model_points`` of fault sticks) plus the explicit marks of
:class:`~geodesk.core.picks.marks.LabelMarks` (confirmed gathers, fully interpreted sections,
deleted labels), so they survive save/load/autosave and undo with the picks.

Kinds: ``corrected`` (a model value replaced by hand), ``erased`` (a model pick removed by hand:
interpreter value None), ``confirmed`` (declared right as it is), ``drawn`` (picked by hand
where the model gave nothing) and ``no_fault`` (a section marked fully interpreted). Latest
wins: a confirmation whose picks changed since, or an older confirmation of other values, is
listed with ``superseded`` set and left out of :meth:`LabelSet.for_training`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from geodesk.core.history import History
from geodesk.core.picks.base import CORRECTED, MANUAL, is_model
from geodesk.core.picks.marks import LabelMarks
from geodesk.core.picks.store import Interpretation

TASKS = ("firstbreaks", "faults", "velocities", "horizon")
KINDS = ("corrected", "confirmed", "erased", "drawn", "no_fault")


@dataclass(frozen=True)
class Location:
    """Where a label is: ``mode`` gather (value = FFID), inline/crossline/line (a section),
    cdp; ``traces`` the picks' flat indices (first breaks, horizons), ``stick`` a stick uid."""

    mode: str
    value: float
    traces: tuple[int, ...] = ()
    stick: int | None = None

    def describe(self) -> str:
        name = {"gather": "FFID", "cdp": "CDP"}.get(self.mode, self.mode)
        text = f"{name} {self.value:g}"
        if self.traces:
            text += f" ({len(self.traces)} trace{'s' if len(self.traces) != 1 else ''})"
        if self.stick is not None:
            text += f" stick {self.stick}"
        return text


@dataclass(frozen=True)
class Label:
    """One label: task, survey, location, the weights that predicted it, model value →
    interpreter value (None when erased / no fault), kind, when and by whom."""

    task: str
    kind: str
    survey_id: str
    survey_path: str
    object_name: str
    location: Location
    weight_id: str | None
    model_value: Any
    interpreter_value: Any
    time: str
    user: str
    superseded: bool = False
    fingerprints: tuple[str, ...] = field(default=(), compare=False)

    @property
    def model_version(self) -> str:
        """``name@vN`` of the weight id (``""`` when no model predicted it)."""
        return model_version(self.weight_id)

    @property
    def key(self) -> str:
        """A stable identity of this label (for selections in a list)."""
        return _digest(self.survey_id, self.task, self.kind, self.object_name,
                       self.location.mode, self.location.value, self.location.stick,
                       self.superseded, *self.fingerprints)


def model_version(weight_id: str | None) -> str:
    """``name@vN`` from a provenance/weight id ``model:name@vN#sha12`` (``""`` for None)."""
    if not weight_id:
        return ""
    return str(weight_id).removeprefix("model:").split("#", 1)[0]


def _digest(*parts: Any) -> str:
    return hashlib.sha1("|".join(map(str, parts)).encode()).hexdigest()[:16]


def _value_text(v: Any) -> str:
    if v is None:
        return "-"
    a = np.asarray(v, dtype=np.float64).ravel()
    return ",".join("nan" if not np.isfinite(x) else f"{x:.6g}" for x in a)


def fingerprint(task: str, object_name: str, where: Any, model_value: Any,
                interpreter_value: Any) -> str:
    """What identifies one labelled value: deleting a label excludes its fingerprints, so a
    later different correction at the same place is a new label."""
    return _digest(task, object_name, where, _value_text(model_value),
                   _value_text(interpreter_value))


@dataclass(frozen=True)
class GatherLabels:
    """First-break labels of one gather: ``traces`` (file trace indices of the gather, by
    channel), ``times`` (ms; NaN where not labelled or erased), ``mask`` (labelled traces,
    erased ones included: NaN there means "no first break")."""

    object_name: str
    ffid: int
    traces: np.ndarray
    times: np.ndarray
    mask: np.ndarray


@dataclass(frozen=True)
class CdpLabels:
    """Velocity labels of one CDP: the interpreter's knots."""

    object_name: str
    cdp: int
    times_ms: np.ndarray
    vrms_mps: np.ndarray


@dataclass(frozen=True)
class SectionLabels:
    """Fault labels of one section: the sticks drawn or corrected there ((n, 3) inline,
    crossline, time_ms each) and whether it is fully interpreted (no fault elsewhere)."""

    section_kind: str
    section_number: float
    sticks: list[np.ndarray]
    fully_interpreted: bool
    model_sticks: list[np.ndarray] = field(default_factory=list)  # what corrections replaced


@dataclass(frozen=True)
class HorizonLabels:
    """Horizon labels of one inline row: crossline positions, times, mask."""

    object_name: str
    inline: float
    crosslines: np.ndarray
    times: np.ndarray
    mask: np.ndarray


class LabelSet:
    """The labels of one or more surveys, with the interpretations they came from (so a label
    can be deleted) and filters."""

    def __init__(self, labels: Iterable[Label] = (),
                 sources: dict[str, Interpretation] | None = None) -> None:
        self.labels: list[Label] = list(labels)
        self.sources: dict[str, Interpretation] = dict(sources or {})

    def __iter__(self) -> Iterator[Label]:
        return iter(self.labels)

    def __len__(self) -> int:
        return len(self.labels)

    # -- building ----------------------------------------------------------------------------
    @classmethod
    def from_interpretation(cls, interp: Interpretation, survey: Any = None, *,
                            survey_id: str = "") -> LabelSet:
        """Every label of one survey's picks and marks. ``survey``: a Survey / SurveyRef /
        path (for the path recorded in each label); ``survey_id`` the project's id."""
        sid = survey_id or str(getattr(survey, "id", "") or "")
        path = str(getattr(survey, "path", survey) or "") if survey is not None else ""
        src = _Source(interp, sid, path)
        labels = [*src.first_breaks(), *src.horizons(), *src.velocities(), *src.faults()]
        labels.sort(key=lambda lb: (lb.time, TASKS.index(lb.task)), reverse=True)
        return cls(labels, {sid: interp})

    @classmethod
    def from_project(cls, project: Any) -> LabelSet:
        """The labels of every survey of an open :class:`~geodesk.core.project.project.Project`."""
        out = cls()
        for sid, interp in project.interpretations.items():
            ref = next((s for s in project.surveys if s.id == sid), None)
            out = out + cls.from_interpretation(interp, ref, survey_id=sid)
        return out

    def __add__(self, other: LabelSet) -> LabelSet:
        return LabelSet([*self.labels, *other.labels], {**self.sources, **other.sources})

    # -- queries -----------------------------------------------------------------------------
    def filter(self, task: str | None = None, survey: str | None = None,
               model_version: str | None = None, superseded: bool | None = None) -> LabelSet:
        """Labels of one task / survey id or path / model version (``name@vN`` or a full
        weight id); ``superseded`` False keeps only the labels in force."""
        def ok(lb: Label) -> bool:
            return ((task is None or lb.task == task)
                    and (survey is None or survey in (lb.survey_id, lb.survey_path))
                    and (model_version is None
                         or model_version in (lb.model_version, lb.weight_id))
                    and (superseded is None or lb.superseded == superseded))
        return LabelSet([lb for lb in self.labels if ok(lb)], self.sources)

    @property
    def model_versions(self) -> list[str]:
        return sorted({lb.model_version for lb in self.labels if lb.model_version})

    @property
    def surveys(self) -> list[str]:
        return sorted({lb.survey_id for lb in self.labels})

    def find(self, key: str) -> Label:
        for lb in self.labels:
            if lb.key == key:
                return lb
        raise KeyError(f"no label {key}")

    # -- edits -------------------------------------------------------------------------------
    def delete(self, history: History | None, label: Label) -> None:
        """Forget ``label`` as one undoable step; the interpreter's picks stay as they are (a
        correction's kept model value is excluded, a no-fault mark removed)."""
        marks = self._marks(label)
        if label.kind == "no_fault":
            marks.unmark_section(history, label.location.mode, label.location.value)
        else:
            marks.exclude(history, label.fingerprints,
                          f"Delete label {label.kind} {label.location.describe()}")

    def delete_many(self, history: History | None, labels: Iterable[Label]) -> None:
        """Delete several labels as one undo step."""
        labels = list(labels)
        if history is None:
            for lb in labels:
                self.delete(None, lb)
            return
        with history.transaction(f"Delete {len(labels)} labels"):
            for lb in labels:
                self.delete(history, lb)

    def _marks(self, label: Label) -> LabelMarks:
        try:
            return self.sources[label.survey_id].label_marks
        except KeyError:
            raise KeyError(f"label of survey {label.survey_id!r} has no interpretation here"
                           ) from None

    # -- training ----------------------------------------------------------------------------
    def for_training(self, task: str) -> list[Any]:
        """Arrays a trainer uses, from the labels in force (not superseded): first breaks →
        :class:`GatherLabels` per gather, velocities → :class:`CdpLabels` per CDP, faults →
        :class:`SectionLabels` per section, horizon → :class:`HorizonLabels` per inline."""
        if task not in TASKS:
            raise ValueError(f"unknown task {task!r} (one of {', '.join(TASKS)})")
        live = [lb for lb in self.labels if lb.task == task and not lb.superseded]
        return {"firstbreaks": _fb_training, "velocities": _velocity_training,
                "faults": _fault_training, "horizon": _horizon_training}[task](live, self)


# -- derivation --------------------------------------------------------------------------------
@dataclass
class _Source:
    interp: Interpretation
    survey_id: str
    survey_path: str

    def label(self, **kw: Any) -> Label:
        return Label(survey_id=self.survey_id, survey_path=self.survey_path, **kw)

    def _trace_states(self, obj: Any, task: str) -> tuple[dict, dict]:
        """Per flat index the current label (kind, weight, model, interp, time, user, fp) and
        the superseded confirmations [(weight, value, time, user, fp)]."""
        names = obj.provenance_table.names
        times = obj.times.reshape(-1)
        prov = obj.provenance.reshape(-1)
        mt = obj.model_times.reshape(-1)
        mp = obj.model_provenance.reshape(-1)
        stamp = (obj.stamp.time, obj.stamp.user)
        current: dict[int, tuple] = {}
        idx = np.flatnonzero((mp >= 0) | np.isin(prov, [k for k, n in enumerate(names)
                                                         if n in (CORRECTED, MANUAL)]))
        for k in idx:
            k = int(k)
            t = float(times[k])
            if mp[k] >= 0:
                weight, model = names[int(mp[k])], float(mt[k])
                kind = "corrected" if np.isfinite(t) else "erased"
            else:
                weight, model = None, float("nan")
                kind = "corrected" if names[int(prov[k])] == CORRECTED else "drawn"
            interp = t if np.isfinite(t) else None
            current[k] = (kind, weight, model, interp, *stamp)
        superseded: dict[int, list[tuple]] = {}
        seen: set[int] = set()
        for c in reversed(self.interp.label_marks.confirmations):
            if c.object_kind != obj.kind or c.object_name != obj.name:
                continue
            for k, tc in zip(c.index.tolist(), c.times.tolist()):
                if k >= times.size:
                    continue
                t = float(times[k])
                p = names[int(prov[k])] if prov[k] >= 0 else None
                weight = p if is_model(p) else (names[int(mp[k])] if mp[k] >= 0 else None)
                same_now = np.isfinite(t) and np.float32(t) == np.float32(tc)
                if k not in seen and same_now:
                    seen.add(k)
                    if k not in current:
                        current[k] = ("confirmed", weight, tc, tc, c.time, c.user)
                    continue
                if k in seen and same_now:
                    continue  # an older confirmation of the same value: nothing new
                superseded.setdefault(k, []).append(("confirmed", weight, tc, tc, c.time, c.user))
                seen.add(k)
        return current, superseded

    def _trace_labels(self, obj: Any, task: str, group_of: Any, location: Any) -> list[Label]:
        """Labels of a per-trace pick object, one per (group, kind, weights, superseded)."""
        current, superseded = self._trace_states(obj, task)
        excluded = self.interp.label_marks.excluded
        bins: dict[tuple, list] = {}
        for is_old, states in ((False, {k: [v] for k, v in current.items()}), (True, superseded)):
            for k, entries in states.items():
                for kind, weight, model, interp, when, user in entries:
                    fp = fingerprint(task, obj.name, k, model, interp)
                    if fp in excluded:
                        continue
                    key = (group_of(k), kind, weight, is_old)
                    bins.setdefault(key, []).append((k, model, interp, when, user, fp))
        labels = []
        for (group, kind, weight, is_old), rows in bins.items():
            rows.sort()
            ks = tuple(r[0] for r in rows)
            model = np.array([r[1] for r in rows], dtype=np.float64)
            interp = (None if kind == "erased" else
                      np.array([r[2] for r in rows], dtype=np.float64))
            latest = max(rows, key=lambda r: r[3])
            labels.append(self.label(
                task=task, kind=kind, object_name=obj.name, location=location(group, ks),
                weight_id=weight, model_value=model, interpreter_value=interp,
                time=latest[3], user=latest[4], superseded=is_old,
                fingerprints=tuple(r[5] for r in rows)))
        return labels

    def first_breaks(self) -> list[Label]:
        out = []
        for fb in self.interp.first_breaks.values():
            out += self._trace_labels(fb, "firstbreaks", lambda k, fb=fb: int(fb.ffid[k]),
                                      lambda g, ks: Location("gather", g, ks))
        return out

    def horizons(self) -> list[Label]:
        out = []
        for h in self.interp.horizons.values():
            nx = h.crosslines.size
            out += self._trace_labels(h, "horizon", lambda k, h=h, nx=nx: int(h.inlines[k // nx]),
                                      lambda g, ks: Location("inline", g, ks))
        return out

    def velocities(self) -> list[Label]:
        out = []
        excluded = self.interp.label_marks.excluded
        for vf in self.interp.velocities.values():
            for cdp, f in vf.functions.items():
                mt, mv, mp = f.model_original()
                manual = [p for p in f.provenance if not is_model(p)]
                if not mp and not manual:
                    continue
                same = (mt.size == f.times_ms.size and np.array_equal(mt, f.times_ms)
                        and np.array_equal(mv, f.vrms_mps))
                if mp and same:
                    continue  # the model's knots, untouched
                kind = "corrected" if mp else "drawn"
                model = np.stack([mt, mv]) if mp else None
                interp = np.stack([f.times_ms, f.vrms_mps])
                fp = fingerprint("velocities", vf.name, cdp, model, interp)
                if fp in excluded:
                    continue
                out.append(self.label(
                    task="velocities", kind=kind, object_name=vf.name,
                    location=Location("cdp", cdp), weight_id=mp[0] if mp else None,
                    model_value=model, interpreter_value=interp, time=vf.stamp.time,
                    user=vf.stamp.user, fingerprints=(fp,)))
        return out

    def faults(self) -> list[Label]:
        out = []
        marks = self.interp.label_marks
        for fs in self.interp.fault_sets.values():
            for fault in fs.faults:
                for s in fault.sticks:
                    if s.model_points is not None:
                        kind, model, weight = "corrected", s.model_points, s.model_provenance
                    elif not is_model(s.provenance) and s.provenance in (MANUAL, CORRECTED):
                        kind, model, weight = "drawn", None, None
                    else:
                        continue
                    fp = fingerprint("faults", fs.name, s.uid, model, s.points)
                    if fp in marks.excluded:
                        continue
                    out.append(self.label(
                        task="faults", kind=kind, object_name=f"{fs.name}/{fault.name}",
                        location=Location(s.section_kind, s.section_number, stick=s.uid),
                        weight_id=weight, model_value=model,
                        interpreter_value=np.asarray(s.points), time=fs.stamp.time,
                        user=fs.stamp.user, fingerprints=(fp,)))
        for m in marks.sections:
            out.append(self.label(
                task="faults", kind="no_fault", object_name="",
                location=Location(m.section_kind, m.section_number), weight_id=None,
                model_value=None, interpreter_value=None, time=m.time, user=m.user))
        return out


# -- training views ----------------------------------------------------------------------------
def _fb_training(labels: list[Label], ls: LabelSet) -> list[GatherLabels]:
    out = []
    groups: dict[tuple, list[Label]] = {}
    for lb in labels:
        groups.setdefault((lb.survey_id, lb.object_name, int(lb.location.value)), []).append(lb)
    for (sid, name, ffid), lbs in sorted(groups.items()):
        fb = ls.sources[sid].get("first_breaks", name) if sid in ls.sources else None
        traces = (fb.gather_indices(ffid) if fb is not None else
                  np.array(sorted({k for lb in lbs for k in lb.location.traces}), dtype=np.int64))
        pos = {int(k): n for n, k in enumerate(traces)}
        times = np.full(traces.size, np.nan, dtype=np.float32)
        mask = np.zeros(traces.size, dtype=bool)
        for lb in lbs:
            vals = lb.interpreter_value
            for j, k in enumerate(lb.location.traces):
                n = pos[int(k)]
                mask[n] = True
                times[n] = np.nan if vals is None else vals[j]
        out.append(GatherLabels(name, ffid, traces, times, mask))
    return out


def _velocity_training(labels: list[Label], _ls: LabelSet) -> list[CdpLabels]:
    return [CdpLabels(lb.object_name, int(lb.location.value), lb.interpreter_value[0].copy(),
                      lb.interpreter_value[1].copy())
            for lb in sorted(labels, key=lambda lb: lb.location.value)]


def _fault_training(labels: list[Label], _ls: LabelSet) -> list[SectionLabels]:
    sections: dict[tuple, list] = {}
    replaced: dict[tuple, list] = {}
    full: set[tuple] = set()
    for lb in labels:
        key = (lb.survey_id, lb.location.mode, float(lb.location.value))
        sticks = sections.setdefault(key, [])
        if lb.kind == "no_fault":
            full.add(key)
        else:
            sticks.append(np.asarray(lb.interpreter_value, dtype=np.float64).copy())
            if lb.model_value is not None:
                replaced.setdefault(key, []).append(
                    np.asarray(lb.model_value, dtype=np.float64).copy())
    return [SectionLabels(mode, value, sticks, key in full, replaced.get(key, []))
            for key, sticks in sorted(sections.items()) for _, mode, value in [key]]


def _horizon_training(labels: list[Label], ls: LabelSet) -> list[HorizonLabels]:
    out = []
    for lb in sorted(labels, key=lambda lb: lb.location.value):
        h = ls.sources[lb.survey_id].get("horizon", lb.object_name)
        cols = np.array(lb.location.traces, dtype=np.int64) % h.crosslines.size
        vals = (np.full(cols.size, np.nan) if lb.interpreter_value is None
                else np.asarray(lb.interpreter_value, dtype=np.float64))
        out.append(HorizonLabels(lb.object_name, lb.location.value, h.crosslines[cols].copy(),
                                 vals, np.ones(cols.size, dtype=bool)))
    return out


def first_break_times(labels: LabelSet, n_traces: int) -> np.ndarray:
    """Per file trace (of a survey with ``n_traces``): the first-break label time in force
    (corrected, drawn or confirmed; NaN where unlabelled or erased), for trainers that take
    one time per trace. Give the labels of one survey (``labels.filter(survey=...)``)."""
    out = np.full(int(n_traces), np.nan, dtype=np.float32)
    for lb in labels.filter(task="firstbreaks", superseded=False):
        if lb.interpreter_value is None:
            continue
        idx = np.asarray(lb.location.traces, dtype=np.int64)
        if idx.size and idx.max() >= out.size:
            raise ValueError(f"labels of {lb.object_name!r} reach trace {idx.max()}, the survey "
                             f"has {out.size}: the survey changed since they were made")
        out[idx] = lb.interpreter_value
    return out


def confirm_gather(history: History | None, interp: Interpretation, fb: Any, ffid: int,
                   user: str | None = None) -> int:
    """Confirm every picked trace of shot ``ffid`` of first breaks ``fb``; returns how many."""
    c = interp.label_marks.confirm(history, fb, fb.gather_indices(ffid),
                                   label=f"Confirm gather FFID {ffid}", user=user)
    return 0 if c is None else int(c.index.size)


def value_summary(label: Label) -> str:
    """Model value → interpreter value in a few words, for a list of labels."""
    if label.kind == "no_fault":
        return "no fault outside the sticks"
    m, v = label.model_value, label.interpreter_value
    if label.task == "faults":
        nodes = (lambda a: "-" if a is None else f"{len(a)} nodes")
        return f"{nodes(m)} → {nodes(v)}"
    if label.task == "velocities":
        knots = (lambda a: "-" if a is None else f"{a.shape[1]} knots")
        text = f"{knots(m)} → {knots(v)}"
        if m is not None and v is not None:
            dv = np.abs(np.interp(v[0], m[0], m[1]) - v[1]).max(initial=0.0)
            text += f", max |Δv| {dv:.0f} m/s"
        return text
    m = np.asarray(m, dtype=np.float64)
    if m.size <= 3:
        def ms(a: Any) -> str:
            return "-" if a is None else ", ".join("-" if not np.isfinite(x) else f"{x:.1f}"
                                                   for x in np.asarray(a, dtype=np.float64))
        return f"{ms(m)} → {ms(v)} ms"
    if v is None:
        return f"{m.size} picks erased"
    if label.kind == "confirmed":
        return f"{m.size} picks confirmed as they are"
    d = np.abs(np.asarray(v, dtype=np.float64) - m)
    d = d[np.isfinite(d)]
    return f"{m.size} picks" + (f", mean |Δ| {d.mean():.1f} ms" if d.size else "")


def survey_name(label: Label) -> str:
    """A short name of a label's survey (file name, else the id)."""
    return Path(label.survey_path).name if label.survey_path else label.survey_id


__all__ = ["KINDS", "TASKS", "CdpLabels", "GatherLabels", "HorizonLabels", "Label",
           "LabelSet", "Location", "SectionLabels", "confirm_gather", "fingerprint", "first_break_times",
           "model_version", "survey_name", "value_summary"]
