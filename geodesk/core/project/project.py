"""GeoDesk projects: a ``NAME.geodesk/`` folder whose saves are ``gen-NNNNNN/`` folders
(``project.json`` + ``picks.h5`` + ``manifest.json``) named by the top-level ``project.json``.

A save's ``project.json`` (schema_version 2; 1 had the same fields, side by side with picks.h5)
holds ``app_version``, ``created``/``modified`` (ISO UTC),
``save_id``, ``surveys`` (id, absolute path, path relative to the project folder, size and
mtime_ns, checked on open), ``objects`` (the pick-object index: survey id, HDF5 group, kind,
name), ``labels`` (the survey ids whose label marks picks.h5 holds under ``/labels``, see
:mod:`geodesk.core.picks.marks`), ``models`` (fine-tuned model versions, the one in use per
task, reviewed marks: :mod:`geodesk.core.model_history`), ``display`` settings and ``axes``
(order and units). Picks live in ``picks.h5`` (see :mod:`geodesk.core.project.store`), one
:class:`Interpretation` per survey.

Every save is one atomic step (a new checksummed generation committed by the pointer written
last, see :mod:`geodesk.core.project.store`); a failed or killed save leaves the previous one.
:meth:`Project.autosave` writes the same layout under ``autosave/`` and never touches the main
save; :meth:`Project.open` reports an autosave newer than the main save (``autosave_pending``)
and the caller offers :meth:`Project.recover` or :meth:`Project.discard_autosave`. A damaged
save is refused (:class:`DamagedProjectError`, naming the intact earlier saves that
``Project.open(path, generation=NAME)`` opens), never loaded altered.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from geodesk.core.history import History
from geodesk.core.model_history import ModelHistory
from geodesk.core.picks.marks import LabelMarks
from geodesk.core.picks.store import KINDS, Interpretation
from geodesk.core.project.loading import (
    AUTOSAVE,
    DamagedProjectError,
    damaged,
    load_content,
    save_time,
)
from geodesk.core.project.migrate import (
    DEFAULT_AXES,
    DEFAULT_DISPLAY,
    SCHEMA_VERSION,
    migrate,
)
from geodesk.core.project.store import (
    JSON_NAME,
    ProjectError,
    RawGroups,
    remove_tree,
    write_save,
)
from geodesk.core.project.validate import (
    check_document,
    check_label_marks,
    check_state,
    clean_display,
)

__all__ = ["SUFFIX", "DamagedProjectError", "Project", "ProjectError", "SurveyIssue",
           "SurveyRef", "relink"]

SUFFIX = ".geodesk"
AUTOSAVE_DIR = AUTOSAVE


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="microseconds")


def _app_version() -> str:
    from geodesk import __version__

    return __version__


@dataclass
class SurveyRef:
    """A survey file the project uses, with what it looked like when it was linked."""

    id: str
    path: str  # absolute
    relative_path: str  # relative to the project folder
    size: int | None
    mtime_ns: int | None

    @classmethod
    def for_file(cls, sid: str, path: str | os.PathLike, folder: Path) -> SurveyRef:
        p = Path(path).expanduser().resolve()
        if not p.is_file():
            raise ProjectError(f"survey file not found: {p}")
        st = p.stat()
        return cls(sid, str(p), os.path.relpath(p, folder.resolve()), st.st_size, st.st_mtime_ns)


@dataclass(frozen=True)
class SurveyIssue:
    """Why a referenced survey cannot be used as is: ``missing``, ``moved`` (found only at the
    path relative to the project; ``candidate`` holds it) or ``changed`` (size/mtime differ)."""

    survey_id: str
    problem: str
    message: str
    candidate: str | None = None


class Project:
    """An open project: survey references, one :class:`Interpretation` per survey, settings."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.created = self.modified = _now()
        self.app_version = _app_version()
        self.save_id = ""
        self.surveys: list[SurveyRef] = []
        self.display: dict[str, Any] = dict(DEFAULT_DISPLAY)
        self.axes: dict[str, Any] = dict(DEFAULT_AXES)
        self.interpretations: dict[str, Interpretation] = {}
        self.history = History()
        self.revision = 0  # bumped by every change of the picks (drives autosave)
        self.loaded_version = SCHEMA_VERSION
        self.autosave_pending: str | None = None  # "modified" time of a newer autosave
        self._saved_revision = 0
        self._recovered = False
        self.unsaved_objects: list[str] = []  # objects the last save could not write, and why
        self.model_history = ModelHistory()  # fine-tuned versions, reviewed marks (saved)
        self.model_history.changed.connect(self._bump)

    # -- creation / opening ------------------------------------------------------------------
    @classmethod
    def create(cls, path: str | os.PathLike, *survey_paths: str | os.PathLike) -> Project:
        """Create ``path`` (``.geodesk`` appended if missing) referencing the surveys; saved."""
        folder = _project_folder(path)
        if folder.exists() and any(folder.iterdir()):
            raise ProjectError(f"{folder} already exists and is not empty")
        proj = cls(folder)
        for k, sp in enumerate(survey_paths):
            proj.surveys.append(SurveyRef.for_file(f"s{k}", sp, folder))
        proj.save()
        return proj

    @classmethod
    def open(cls, path: str | os.PathLike, generation: str | None = None) -> Project:
        """Open a project folder (or its project.json); migrates older formats in memory.

        ``generation`` opens an earlier save instead (a ``gen-NNNNNN`` folder or ``"autosave"``,
        as a damaged project's error names them); it is unsaved until :meth:`save`.
        """
        folder = Path(path)
        if folder.name == JSON_NAME:
            folder = folder.parent
        if not folder.is_dir():
            raise ProjectError(f"project not found: {folder}")
        proj = cls(folder)
        if generation == AUTOSAVE:
            proj._load(folder / AUTOSAVE)
        else:
            proj._load(folder, generation)
        if generation is not None:
            proj.save_id, proj._recovered = "", True
            return proj
        auto = proj._autosave_time()
        if auto is not None and _later(auto, proj.modified):
            proj.autosave_pending = auto
        proj._saved_revision = proj.revision
        return proj

    def _load(self, folder: Path, generation: str | None = None) -> None:
        content = load_content(folder, generation)
        try:
            doc, groups, self.loaded_version = migrate(content.doc, content.groups, self.folder)
            self._apply_doc(doc, groups)
        except ProjectError as exc:
            raise damaged(folder, exc, content.generation) from None

    def _apply_doc(self, doc: dict[str, Any], groups: RawGroups) -> None:
        try:
            check_document(doc)
            self.created = str(doc.get("created", ""))
            self.modified = str(doc.get("modified", ""))
            self.app_version = str(doc.get("app_version", ""))
            self.save_id = str(doc.get("save_id", ""))
            self.surveys = [SurveyRef(**s) for s in doc.get("surveys", [])]
            self.display = {**DEFAULT_DISPLAY, **doc.get("display", {})}
            self.axes = {**DEFAULT_AXES, **doc.get("axes", {})}
            interps: dict[str, Interpretation] = {}
            for entry in doc.get("objects", []):
                attrs, arrays = groups[f"picks/{entry['survey']}/{entry['group']}"]
                meta = json.loads(attrs["meta"])
                check_state(meta, arrays)
                obj = KINDS[meta["type"]].from_state(meta, arrays)
                interps.setdefault(entry["survey"], Interpretation(entry["survey"])).add(None, obj)
            if len(doc.get("objects", [])) != sum(1 for g in groups if g.startswith("picks/")):
                raise ValueError("picks.h5 holds objects the index does not list")
            for sid, marks in _label_marks(doc, groups, interps).items():
                interps.setdefault(sid, Interpretation(sid)).set_label_marks(marks)
            models = ModelHistory.from_doc(doc.get("models"))
        except Exception as exc:  # noqa: BLE001 - whatever a damaged state raises is refused
            raise ProjectError(f"{self.folder}: damaged project ({type(exc).__name__}: "
                               f"{str(exc)[:200]})") from None
        for sid in list(interps):
            interps[sid].survey_name = self._survey_name(sid)
        self.interpretations = {}
        for sid, interp in interps.items():
            self._attach(sid, interp)
        self.model_history = models
        models.changed.connect(self._bump)

    def _survey_name(self, sid: str) -> str:
        ref = self.survey(sid) if any(s.id == sid for s in self.surveys) else None
        return Path(ref.path).name if ref else sid

    def _attach(self, sid: str, interp: Interpretation) -> None:
        self.interpretations[sid] = interp
        interp.changed.connect(self._bump)

    def _bump(self, _change: object) -> None:
        self.revision += 1

    # -- picks -------------------------------------------------------------------------------
    def interpretation(self, survey_id: str | None = None) -> Interpretation:
        """The picks of one survey (the first survey by default), created empty on first use."""
        sid = survey_id or (self.surveys[0].id if self.surveys else "s0")
        if sid not in self.interpretations:
            self._attach(sid, Interpretation(self._survey_name(sid)))
        return self.interpretations[sid]

    @property
    def picks(self) -> Interpretation:
        return self.interpretation()

    # -- surveys -----------------------------------------------------------------------------
    def survey(self, survey_id: str | None = None) -> SurveyRef:
        """The reference of one survey (the first by default)."""
        if not self.surveys:
            raise ProjectError(f"{self.folder.name} references no survey")
        if survey_id is None:
            return self.surveys[0]
        for s in self.surveys:
            if s.id == survey_id:
                return s
        raise ProjectError(f"{self.folder.name} has no survey {survey_id!r}")

    def add_survey(self, path: str | os.PathLike) -> SurveyRef:
        """Reference another survey file (saved with the next save)."""
        used = {s.id for s in self.surveys}
        sid = next(f"s{k}" for k in range(len(used) + 1) if f"s{k}" not in used)
        ref = SurveyRef.for_file(sid, path, self.folder)
        self.surveys.append(ref)
        self.revision += 1
        return ref

    def remove_survey(self, survey_id: str) -> tuple[SurveyRef, Interpretation | None]:
        """Stop referencing a survey: its reference and its picks leave the project (with the
        next save; the file itself is never touched) and its undo steps are forgotten."""
        ref = self.survey(survey_id)
        self.surveys.remove(ref)
        interp = self.interpretations.pop(ref.id, None)
        if interp is not None:
            interp.changed.disconnect(self._bump)
            self.history.drop_scope(interp)
        self.revision += 1
        return ref, interp

    def check_surveys(self) -> list[SurveyIssue]:
        """Problems with the referenced files: missing, moved or changed since linked."""
        issues = []
        for s in self.surveys:
            p = Path(s.path)
            if not p.is_file():
                rel = (self.folder / s.relative_path).resolve()
                if rel.is_file():
                    issues.append(SurveyIssue(s.id, "moved", f"survey {s.id} moved: {s.path} is "
                                              f"gone but {rel} exists; relink to use it", str(rel)))
                else:
                    issues.append(SurveyIssue(s.id, "missing",
                                              f"survey {s.id} is missing: {s.path}"))
                continue
            st = p.stat()
            if (s.size is not None and st.st_size != s.size) or (
                    s.mtime_ns is not None and st.st_mtime_ns != s.mtime_ns):
                issues.append(SurveyIssue(s.id, "changed", f"survey {s.id} changed since it was "
                                          f"linked (size/modification time differ): {s.path}"))
        return issues

    def survey_path(self, survey_id: str | None = None) -> Path:
        """Path of a survey that passed :meth:`check_surveys`; ProjectError otherwise."""
        ref = self.survey(survey_id)
        for issue in self.check_surveys():
            if issue.survey_id == ref.id:
                raise ProjectError(issue.message)
        return Path(ref.path)

    def open_survey(self, survey_id: str | None = None) -> Any:
        """Open a referenced survey with :func:`geodesk.open` after the checks."""
        import geodesk

        return geodesk.open(self.survey_path(survey_id))

    # -- saving ------------------------------------------------------------------------------
    def _document(self, save_id: str, modified: str) -> tuple[dict[str, Any], list, list]:
        """The document, the writable objects and the label marks; an object whose state cannot
        be stored (e.g. a CDP beyond 64 bits) is left out and named in ``unsaved_objects``."""
        objects, index, self.unsaved_objects, labels = [], [], [], []
        for sid, interp in self.interpretations.items():
            if interp.label_marks:
                labels.append((sid, *interp.label_marks.to_state()))
            n = 0
            for obj in interp.objects():
                state = _storable_state(obj)
                if isinstance(state, str):
                    self.unsaved_objects.append(f"{obj.kind} {obj.name!r}: {state}")
                    continue
                objects.append((sid, *state))
                index.append({"survey": sid, "group": f"{n:03d}", "kind": obj.kind,
                              "name": obj.name})
                n += 1
        axes = self.axes if _json_ok(self.axes) else dict(DEFAULT_AXES)
        doc = {"schema_version": SCHEMA_VERSION, "app_version": _app_version(),
               "created": self.created, "modified": modified, "save_id": save_id,
               "surveys": [asdict(s) for s in self.surveys], "objects": index,
               "labels": [sid for sid, _, _ in labels],
               "models": self.model_history.to_doc(),
               "display": clean_display(self.display), "axes": axes}
        return doc, objects, labels

    def save(self) -> None:
        """Write the project as one atomic step; the autosave (now older) is removed after.
        Objects that could not be written are listed in ``unsaved_objects``."""
        modified, save_id = _now(), uuid.uuid4().hex
        doc, objects, labels = self._document(save_id, modified)
        write_save(self.folder, doc, objects, labels=labels)
        self.modified, self.save_id = modified, save_id
        self.loaded_version = SCHEMA_VERSION
        self.history.mark_clean()
        self._saved_revision, self._recovered = self.revision, False
        self.discard_autosave()

    def save_as(self, path: str | os.PathLike) -> None:
        """Save into a new folder and continue there (survey relative paths are recomputed)."""
        folder = _project_folder(path)
        if folder.exists() and any(folder.iterdir()):
            raise ProjectError(f"{folder} already exists and is not empty")
        self.folder = folder
        for s in self.surveys:
            s.relative_path = os.path.relpath(s.path, folder.resolve())
        self.save()

    @property
    def autosave_folder(self) -> Path:
        return self.folder / AUTOSAVE_DIR

    def autosave(self) -> None:
        """Write the current state under ``autosave/`` (atomically); the main save is untouched."""
        doc, objects, labels = self._document(uuid.uuid4().hex, _now())
        doc["based_on_save_id"] = self.save_id
        write_save(self.autosave_folder, doc, objects, keep_previous=False, labels=labels)

    def _autosave_time(self) -> str | None:
        if not (self.autosave_folder / JSON_NAME).is_file():
            return None
        return save_time(self.autosave_folder)  # a damaged autosave is not offered

    def recover(self) -> None:
        """Load the autosave into this project (unsaved: :meth:`save` makes it the main save)."""
        if self._autosave_time() is None:
            raise ProjectError(f"{self.folder.name} has no autosave to recover")
        keep_id, keep_folder = self.save_id, self.folder
        self._load(self.autosave_folder)
        self.folder, self.save_id = keep_folder, keep_id
        self.history.clear()
        self.history.mark_clean()
        self.revision += 1
        self.autosave_pending = None
        self._recovered = True

    @property
    def is_dirty(self) -> bool:
        """Unsaved changes (edits since the last save, or a recovered autosave)."""
        return self.history.is_dirty or self._recovered or self.revision != self._saved_revision

    def discard_autosave(self) -> None:
        """Delete the autosave files."""
        remove_tree(self.autosave_folder)
        self.autosave_pending = None


def relink(project: Project, old: str, new_path: str | os.PathLike) -> SurveyRef:
    """Point the survey ``old`` (its id or its recorded path) at ``new_path`` and record the
    new file's size and mtime (saved with the next save)."""
    for k, s in enumerate(project.surveys):
        if old in (s.id, s.path) or Path(old).resolve() == Path(s.path):
            ref = SurveyRef.for_file(s.id, new_path, project.folder)
            project.surveys[k] = ref
            project.revision += 1
            return ref
    raise ProjectError(f"{project.folder.name} has no survey {old!r}")


def _label_marks(doc: dict[str, Any], groups: RawGroups,
                 interps: dict[str, Interpretation]) -> dict[str, LabelMarks]:
    """The label marks of each survey the document lists, checked (ValueError when damaged or
    when picks.h5 and the document disagree about which surveys have marks)."""
    listed = doc.get("labels", [])
    if not isinstance(listed, list) or not all(isinstance(s, str) for s in listed):
        raise ValueError("bad label index")
    stored = {g.split("/", 1)[1] for g in groups if g.startswith("labels/")}
    if set(listed) != stored or len(listed) != len(stored):
        raise ValueError("picks.h5 label marks do not match the label index")
    out = {}
    for sid in listed:
        attrs, arrays = groups[f"labels/{sid}"]
        meta = json.loads(attrs["meta"])
        interp = interps.get(sid)
        sizes = {(o.kind, o.name): o.times.size for o in interp.objects()
                 if hasattr(o, "times")} if interp is not None else {}
        check_label_marks(meta, arrays, sizes)
        out[sid] = LabelMarks.from_state(meta, arrays)
    return out


def _storable_state(obj: Any) -> tuple[dict[str, Any], dict[str, np.ndarray]] | str:
    """``obj.to_state()`` when every part of it can be written, else why not."""
    try:
        meta, arrays = obj.to_state()
        json.dumps(meta, allow_nan=False)
        arrays = {k: np.asarray(v) for k, v in arrays.items()}
    except (OverflowError, ValueError, TypeError) as exc:
        return f"{type(exc).__name__}: {str(exc)[:120]}"
    bad = [k for k, a in arrays.items() if a.dtype.kind not in "biuf"]
    return f"array {bad[0]!r} is not numeric" if bad else (meta, arrays)


def _json_ok(value: Any) -> bool:
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError, RecursionError):
        return False
    return True


def _project_folder(path: str | os.PathLike) -> Path:
    p = Path(path).expanduser()
    return p if p.suffix == SUFFIX else p.with_name(p.name + SUFFIX)


def _later(a: str, b: str) -> bool:
    """True when ISO time ``a`` is after ``b`` (an unparsable ``b`` counts as older)."""
    try:
        ta = _dt.datetime.fromisoformat(a)
    except ValueError:
        return False
    try:
        return ta > _dt.datetime.fromisoformat(b)
    except ValueError:
        return True
