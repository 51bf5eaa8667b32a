"""Model history of a project: the fine-tuned versions of each task's model, the one in use,
and the review queue's reviewed marks; saved in the project document (``project.json`` of each
checksummed generation, keys ``models`` and ``reviewed``), so a save commits them with the
picks and a damaged entry makes the save refused like any other damage.

A version names its file relative to the project folder (``models/<task>-vN.pt``; the files
are written once beside the generations, never replaced), the weight id its picks carry
(``model:<name>@v<N>#<sha12>``: the file's sha256, so :meth:`ModelHistory.check` can tell
a file that is gone or is no longer the one that made the picks), its label count, the
agreement with the interpreter on the held-back labels and the base it was tuned from.
Switching back to a version changes only which one is in use; a version whose file is gone
is kept in the list (its labels are the interpreter's, untouched) and the base is used again.
No Qt, no torch.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from geodesk.core.picks.base import Event

FORMAT = 1
TASKS = ("firstbreaks", "faults", "velocities")


@dataclass(frozen=True)
class ModelVersion:
    """One fine-tuned version of a task's model, as the project remembers it."""

    task: str
    number: int
    file: str  # relative to the project folder
    weight_id: str
    base_weight_id: str
    labels: int
    agreement: dict[str, Any]
    base_agreement: dict[str, Any]
    created: str
    survey: str = ""
    stopped: str = ""

    def __post_init__(self) -> None:  # JSON without NaN: a non-finite figure is "none"
        for key in ("agreement", "base_agreement"):
            clean = {str(k): (v if _number_or_none(v) else None)
                     for k, v in dict(getattr(self, key) or {}).items()}
            object.__setattr__(self, key, clean)

    @property
    def name(self) -> str:
        return f"{self.task}-v{self.number}"

    def headline(self) -> float | None:
        """The held-back agreement that ranks versions (first breaks within 2 samples, fault
        F1, velocities within 2 %), None when nothing was held back."""
        for key in ("within_2_samples", "f1", "within_2pct"):
            v = self.agreement.get(key)
            if v is not None:
                return float(v)
        return None


@dataclass(frozen=True)
class VersionIssue:
    """Why a version cannot be used: its file is ``missing`` or ``changed`` (another file)."""

    version: ModelVersion
    problem: str
    message: str


def sha12(path: str | Path) -> str:
    """The first 12 hex digits of a file's sha256 (the weight id's suffix)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()[:12]


@dataclass
class ModelHistory:
    """The versions of every task, the one in use per task (None: the base) and reviewed
    review-queue items per survey and task; ``changed`` fires on every edit."""

    versions: list[ModelVersion] = field(default_factory=list)
    active: dict[str, str | None] = field(default_factory=dict)  # task -> weight id
    reviewed: dict[str, dict[str, list]] = field(default_factory=dict)  # survey -> task -> keys
    changed: Event = field(default_factory=Event, repr=False, compare=False)

    def __bool__(self) -> bool:
        return bool(self.versions or self.reviewed or any(self.active.values()))

    # -- queries -----------------------------------------------------------------------------
    def of_task(self, task: str) -> list[ModelVersion]:
        return sorted((v for v in self.versions if v.task == task), key=lambda v: v.number)

    def find(self, weight_id: str | None) -> ModelVersion | None:
        """The version whose weight id (with or without ``model:``) is ``weight_id``."""
        if not weight_id:
            return None
        wid = str(weight_id).removeprefix("model:")
        return next((v for v in self.versions if v.weight_id.removeprefix("model:") == wid),
                    None)

    def active_version(self, task: str) -> ModelVersion | None:
        return self.find(self.active.get(task))

    def path(self, folder: str | Path, version: ModelVersion) -> Path:
        return Path(folder) / version.file

    def check(self, folder: str | Path, task: str | None = None) -> list[VersionIssue]:
        """Versions whose file is gone, or holds other weights than those of the weight id."""
        out = []
        for v in self.versions:
            if task is not None and v.task != task:
                continue
            p = self.path(folder, v)
            if not p.is_file():
                out.append(VersionIssue(v, "missing", f"model {v.name} is gone ({v.file} is "
                                        "not in the project): its labels stay, the base "
                                        "model is used again"))
            elif not v.weight_id.endswith("#" + sha12(p)):
                out.append(VersionIssue(v, "changed", f"model {v.name}: {v.file} is not the "
                                        "file that made its picks (another sha256)"))
        return out

    def usable_path(self, folder: str | Path, task: str) -> tuple[Path | None, str | None]:
        """(file of the version in use, None) or (None, why the base is used instead) when that
        file is gone or changed (the version in use then falls back to the base)."""
        v = self.active_version(task)
        if v is None:
            return None, None
        issue = next((i for i in self.check(folder, task) if i.version is v), None)
        if issue is None:
            return self.path(folder, v), None
        self.use(task, None)
        return None, issue.message

    def corrections_per_item(self, labels: Iterable[Any], task: str) -> list[dict[str, Any]]:
        """Per model (the base first, then each version in order): how many items (gathers,
        sections, CDPs) the interpreter corrected its output on and the corrected values per
        such item: how the corrections needed per item evolve over the versions."""
        per: dict[str, dict[Any, int]] = {}
        for lb in labels:
            if lb.task != task or lb.superseded or lb.kind not in ("corrected", "erased"):
                continue
            wid = str(lb.weight_id or "").removeprefix("model:")
            n = len(lb.location.traces) or 1
            item = (lb.survey_id, lb.location.mode, lb.location.value)
            per.setdefault(wid, {})[item] = per.setdefault(wid, {}).get(item, 0) + n
        known = {v.weight_id.removeprefix("model:"): v for v in self.of_task(task)}
        rows = []
        for wid in sorted(set(per) - set(known)):  # base weights (not a project version)
            rows.append(_row(wid.split("#", 1)[0] or "unknown", None, per[wid]))
        for wid, v in known.items():
            rows.append(_row(v.name, v.headline(), per.get(wid, {})))
        return rows

    # -- edits ---------------------------------------------------------------------------------
    def add(self, version: ModelVersion, use: bool = True) -> None:
        """Remember a new version (and use it)."""
        if self.find(version.weight_id) is None:
            self.versions.append(version)
        if use:
            self.active[version.task] = version.weight_id
        self.changed.emit(self)

    def use(self, task: str, weight_id: str | None) -> None:
        """Use the version ``weight_id`` of ``task`` (None: the base)."""
        if weight_id is not None and self.find(weight_id) is None:
            raise KeyError(f"no {task} model version {weight_id!r} in this project")
        if self.active.get(task) != weight_id:
            self.active[task] = weight_id
            self.changed.emit(self)

    def mark_reviewed(self, survey_id: str, task: str, keys: Iterable[Any]) -> None:
        """Set the reviewed items of one survey's review queue of ``task``."""
        new = sorted({_plain(k) for k in keys}, key=repr)
        if self.reviewed.get(survey_id, {}).get(task, []) != new:
            self.reviewed.setdefault(survey_id, {})[task] = new
            self.changed.emit(self)

    def reviewed_keys(self, survey_id: str, task: str) -> list:
        return list(self.reviewed.get(survey_id, {}).get(task, []))

    # -- document -----------------------------------------------------------------------------
    def to_doc(self) -> dict[str, Any]:
        """JSON-able content for project.json (:meth:`from_doc` restores it exactly)."""
        return {"format": FORMAT, "versions": [asdict(v) for v in self.versions],
                "active": {k: v for k, v in self.active.items() if v is not None},
                "reviewed": self.reviewed}

    @classmethod
    def from_doc(cls, doc: Any) -> ModelHistory:
        """Rebuild from :meth:`to_doc`; ValueError for content a save would not write."""
        if doc is None:
            return cls()
        if not isinstance(doc, dict) or int(doc.get("format", 0)) > FORMAT:
            raise ValueError("bad or newer model history")
        versions = []
        for d in doc.get("versions", []):
            _need(isinstance(d, dict) and set(d) == set(ModelVersion.__dataclass_fields__),
                  "bad model version")
            _need(d["task"] in TASKS and isinstance(d["number"], int) and d["number"] >= 1
                  and isinstance(d["labels"], int) and d["labels"] >= 0, "bad model version")
            _need(all(isinstance(d[k], str) for k in ("file", "weight_id", "base_weight_id",
                                                      "created", "survey", "stopped")),
                  "bad model version")
            _need(not Path(d["file"]).is_absolute() and ".." not in Path(d["file"]).parts,
                  "model version file outside the project")
            _need(all(isinstance(d[k], dict) and all(_number_or_none(x) for x in d[k].values())
                      for k in ("agreement", "base_agreement")), "bad model agreement")
            versions.append(ModelVersion(**d))
        active = doc.get("active", {})
        _need(isinstance(active, dict) and all(k in TASKS and isinstance(v, str)
                                               for k, v in active.items()), "bad active model")
        reviewed = doc.get("reviewed", {})
        _need(isinstance(reviewed, dict) and all(
            isinstance(t, dict) and all(isinstance(keys, list) and all(
                _plain_ok(k) for k in keys) for keys in t.values())
            for t in reviewed.values()), "bad reviewed marks")
        out = cls(versions, dict(active), {s: {t: list(k) for t, k in v.items()}
                                           for s, v in reviewed.items()})
        _need(all(out.find(w) is not None for w in out.active.values()),
              "active model not among the versions")
        return out


def _row(name: str, agreement: float | None, items: dict[Any, int]) -> dict[str, Any]:
    n = len(items)
    return {"model": name, "agreement": agreement, "items": n,
            "corrections": int(sum(items.values())),
            "per_item": round(sum(items.values()) / n, 3) if n else 0.0}


def _plain(key: Any) -> Any:
    """A review key as JSON keeps it (tuples become lists, numpy numbers Python ones)."""
    if isinstance(key, (tuple, list)):
        return [_plain(k) for k in key]
    if hasattr(key, "item"):
        return key.item()
    return key


def _plain_ok(key: Any) -> bool:
    if isinstance(key, list):
        return all(_plain_ok(k) for k in key)
    return isinstance(key, (str, int)) or (isinstance(key, float) and math.isfinite(key))


def _number_or_none(x: Any) -> bool:
    return x is None or (isinstance(x, (int, float)) and not isinstance(x, bool)
                         and math.isfinite(x))


def _need(ok: bool, what: str) -> None:
    if not ok:
        raise ValueError(what)
