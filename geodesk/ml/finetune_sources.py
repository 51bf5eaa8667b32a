"""Where a fine-tune's labels come from, for every task: a project's picks (every survey it
links) or files (a first-break CSV, a fault-stick CSV with a list of fully interpreted
sections, a velocity CSV), turned into the labelled items the task's fine-tune takes.

The window's Update model and ``geodesk train TASK --labels`` both go through
:func:`project_items` / :func:`file_items` and :func:`finetune`. A survey of the project that
moved is read where it was found (said in the notes), one that is missing or changed since it
was linked is skipped with a note; nothing usable left is refused with those notes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from geodesk.core.jobs import JobContext
from geodesk.ml.finetune import FineTuneRefused, FineTuneResult, FineTuneSettings

#: Tasks whose models are fine-tuned on labels, and the survey kinds their labels live on.
TUNABLE = {"firstbreaks": ("prestack",), "faults": ("post3d", "post2d"),
           "velocities": ("prestack",)}


@dataclass
class LabelItems:
    """Labelled items of one task (gathers, sections or CMPs) and where they came from."""

    task: str
    items: list[Any] = field(default_factory=list)
    surveys: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def n_labels(self) -> int:
        return int(sum(x.n_labels for x in self.items))


def default_settings(task: str) -> FineTuneSettings:
    """The fine-tune defaults of ``task``."""
    _check_task(task)
    if task == "faults":
        from geodesk.ml.finetune_faults import fault_settings

        return fault_settings()
    if task == "velocities":
        from geodesk.ml.finetune_velocities import velocity_settings

        return velocity_settings()
    return FineTuneSettings()


def _check_task(task: str) -> None:
    if task not in TUNABLE:
        raise FineTuneRefused(f"{task} models are not fine-tuned on labels (only "
                              f"{', '.join(TUNABLE)})")


def interpretation_labels(task: str, interp: Any, n_traces: int) -> Any:
    """The labels in force of one survey's picks, as the task's items builder takes them
    (first breaks: a time per file trace; faults: SectionLabels; velocities: knots per CDP)."""
    _check_task(task)
    if task == "firstbreaks":
        from geodesk.ml.finetune import interpretation_label_times

        return interpretation_label_times(interp, n_traces)
    if task == "faults":
        from geodesk.ml.finetune_faults import interpretation_fault_labels

        return interpretation_fault_labels(interp)
    from geodesk.ml.finetune_velocities import interpretation_velocity_labels

    return interpretation_velocity_labels(interp)


def has_labels(task: str, labels: Any) -> bool:
    """Whether ``labels`` (of :func:`interpretation_labels`) hold anything to train on."""
    if task == "firstbreaks":
        return bool(np.isfinite(labels).any())
    return bool(len(labels))


def survey_items(task: str, survey: Any, labels: Any, ctx: JobContext | None = None) -> list:
    """The labelled items of ``labels`` on an open ``survey`` (refused when the survey is of
    the wrong kind or the labels do not fit it)."""
    _check_task(task)
    if survey.kind not in TUNABLE[task]:
        raise FineTuneRefused(f"{task} labels need a {' or '.join(TUNABLE[task])} survey; "
                              f"{survey.name} is {survey.kind}")
    if task == "firstbreaks":
        from geodesk.ml.finetune import labelled_gathers

        return labelled_gathers(survey, labels, ctx)
    if task == "faults":
        from geodesk.ml.finetune_faults import labelled_sections

        return labelled_sections(survey, labels, ctx)
    from geodesk.ml.finetune_velocities import labelled_cmps

    return labelled_cmps(survey, labels, ctx)


def project_items(project: Any, task: str, ctx: JobContext | None = None) -> LabelItems:
    """The labelled items of ``task`` from every survey of an open project."""
    import geodesk

    out = LabelItems(task)
    issues = {i.survey_id: i for i in project.check_surveys()}
    for sid, interp in project.interpretations.items():
        ref = next((s for s in project.surveys if s.id == sid), None)
        if ref is None:
            continue
        issue = issues.get(sid)
        path = ref.path
        if issue is not None and issue.problem == "moved" and issue.candidate:
            path = issue.candidate
            out.notes.append(f"{Path(ref.path).name} moved: its labels were read from "
                             f"{path} (relink it to keep that)")
        elif issue is not None:
            if _any_labels(task, interp):
                out.notes.append(f"labels of {Path(ref.path).name} skipped: {issue.message}")
            continue
        if not _any_labels(task, interp):
            continue
        with geodesk.open(path) as survey:
            if survey.kind not in TUNABLE[task]:
                continue
            labels = interpretation_labels(task, interp, survey.n_traces)
            if has_labels(task, labels):
                out.items += survey_items(task, survey, labels, ctx)
                out.surveys.append(Path(path).name)
    if not out.items:
        why = "; ".join(out.notes) if out.notes else "correct, draw or confirm some first"
        raise FineTuneRefused(f"no {task} labels to train on in {project.folder.name} ({why})")
    return out


def _any_labels(task: str, interp: Any) -> bool:
    from geodesk.core.labels import LabelSet

    kinds = {"firstbreaks": "firstbreaks", "faults": "faults", "velocities": "velocities"}
    return bool(len(LabelSet.from_interpretation(interp).filter(task=kinds[task],
                                                                superseded=False)))


def file_items(task: str, survey_path: str | os.PathLike, labels_path: str | os.PathLike,
               interpreted: str | os.PathLike | None = None,
               ctx: JobContext | None = None) -> LabelItems:
    """The labelled items of label files on the survey ``survey_path``: a first-break CSV
    (``ffid,channel[,…],time_ms``), a fault-stick CSV (with ``interpreted``, the list of fully
    interpreted sections) or a velocity CSV (``cdp,time_ms,vrms_mps``)."""
    import geodesk

    _check_task(task)
    if interpreted is not None and task != "faults":
        raise FineTuneRefused("a list of fully interpreted sections goes with fault labels")
    kind = {} if task == "faults" else {"kind": "prestack"}
    with geodesk.open(survey_path, **kind) as survey:
        if task == "firstbreaks":
            from geodesk.ml.finetune import csv_label_times

            labels: Any = csv_label_times(labels_path, survey)
        elif task == "faults":
            from geodesk.ml.finetune_faults import csv_fault_labels

            labels = csv_fault_labels(labels_path, survey, interpreted)
        else:
            from geodesk.core.exchange.csv_io import read_velocity_csv

            labels = read_velocity_csv(labels_path)
        if not has_labels(task, labels):
            raise FineTuneRefused(f"{Path(labels_path).name} holds no {task} labels")
        items = survey_items(task, survey, labels, ctx)
    return LabelItems(task, items, [Path(survey_path).name])


def finetune(task: str, base: str | os.PathLike, labels: LabelItems, out: str | os.PathLike,
             *, settings: FineTuneSettings | None = None, command: str = "",
             ctx: JobContext | None = None) -> FineTuneResult:
    """Fine-tune the ``task`` model file ``base`` on ``labels`` into ``out``."""
    _check_task(task)
    s = settings or default_settings(task)
    name = ", ".join(labels.surveys)
    if task == "firstbreaks":
        from geodesk.ml.finetune import finetune_firstbreaks as run
    elif task == "faults":
        from geodesk.ml.finetune_faults import finetune_faults as run
    else:
        from geodesk.ml.finetune_velocities import finetune_velocities as run
    return run(base, labels.items, out, survey_name=name, settings=s, command=command, ctx=ctx)


def held_text(res: FineTuneResult) -> str:
    """'held-back agreement 87 % … (base 80 %)' of a fine-tune result, whatever its task."""
    key = next((k for k in ("within_2_samples", "f1", "within_2pct") if k in res.agreement),
               None)
    if key is None or res.agreement.get(key) is None:
        return "no labels held back"
    name = {"within_2_samples": "within 2 samples", "f1": "F1",
            "within_2pct": "within 2 %"}[key]
    base = res.base_agreement.get(key)
    return (f"held-back agreement {res.agreement[key]:.0%} {name}"
            + (f" (base {base:.0%})" if base is not None else ""))
