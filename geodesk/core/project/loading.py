"""Finding and reading the save a project folder commits, in either layout, and naming the
intact earlier saves (previous generation, autosave) when it is damaged."""

from __future__ import annotations

from pathlib import Path

from geodesk.core.project.integrity import is_sealed
from geodesk.core.project.legacy import read_legacy_h5
from geodesk.core.project.migrate import NewerFormatError, check_readable
from geodesk.core.project.store import (
    H5_NAME,
    JSON_NAME,
    ProjectError,
    SaveContent,
    generations,
    is_generation_pointer,
    read_json,
    read_save,
    verified_manifest,
)

AUTOSAVE = "autosave"
_V1_KEYS = ("save_id", "surveys", "objects")


class DamagedProjectError(ProjectError):
    """A project whose save does not match its checksums or structure; ``alternatives`` are
    the intact earlier saves ``(name, modified)`` that ``Project.open(path, generation=name)``
    opens instead."""

    def __init__(self, message: str, alternatives: list[tuple[str, str]]) -> None:
        super().__init__(message)
        self.alternatives = alternatives


def load_content(folder: Path, generation: str | None = None) -> SaveContent:
    """The verified save of ``folder`` (the committed one, or ``generation``); a damaged one is
    a :class:`DamagedProjectError` naming the intact earlier saves."""
    pointer: dict = {}
    if generation is None:
        try:
            pointer = read_json(folder / JSON_NAME)
        except ProjectError as exc:
            if not generations(folder):
                raise
            raise damaged(folder, exc) from None
    try:
        if generation is None:
            check_readable(pointer, folder)
        if generation is not None or is_generation_pointer(pointer):
            return read_save(folder, pointer, generation)
        return _legacy_content(folder, pointer)
    except (DamagedProjectError, NewerFormatError):
        raise
    except ProjectError as exc:
        raise damaged(folder, exc, generation or pointer.get("generation")) from None


def _legacy_content(folder: Path, doc: dict) -> SaveContent:
    if doc.get("schema_version") == 1 and not all(k in doc for k in _V1_KEYS):
        raise ProjectError(f"{folder / JSON_NAME}: damaged project file (fields missing)")
    attrs, groups = read_legacy_h5(folder / H5_NAME)
    if doc.get("save_id") and attrs and attrs.get("save_id") != doc["save_id"]:
        raise ProjectError(f"{folder}: project.json and picks.h5 are from different saves "
                           "(interrupted save)")
    return SaveContent(doc, attrs, groups, None)


def save_time(folder: Path) -> str | None:
    """When the save of ``folder`` (an autosave folder, say) was made, after checking its
    checksums but without parsing its picks; None when there is none or it is damaged."""
    try:
        pointer = read_json(folder / JSON_NAME)
        if not is_generation_pointer(pointer):
            return str(pointer.get("modified", ""))  # old layout: no checksum to check
        gen = pointer.get("generation")
        if not is_sealed(pointer) or gen not in generations(folder):
            return None
        return str(verified_manifest(folder / gen, pointer.get("manifest_sha256"))["modified"])
    except (ProjectError, KeyError):
        return None


def intact_saves(folder: Path, skip: str | None = None) -> list[tuple[str, str]]:
    """Generations (newest first) and the autosave whose files match their checksums, as
    ``(name, modified)``; ``skip`` is left out (the damaged one)."""
    found = []
    for gen in generations(folder):
        if gen == skip:
            continue
        try:
            found.append((gen, str(verified_manifest(folder / gen).get("modified", ""))))
        except ProjectError:
            continue
    auto = folder / AUTOSAVE
    if auto.is_dir():
        try:
            found.append((AUTOSAVE, str(load_content(auto).doc.get("modified", ""))))
        except ProjectError:
            pass  # not offered
    return found


def damaged(folder: Path, cause: ProjectError, skip: str | None = None) -> DamagedProjectError:
    """One-line refusal of a damaged project naming the damage and the intact saves."""
    alternatives = intact_saves(folder, skip)
    text = str(cause)
    if alternatives:
        listed = ", ".join(f"{name} ({when or 'unknown time'})" for name, when in alternatives)
        text += (f"; the project was not loaded. Intact earlier saves: {listed}; the window's "
                 f"Open project offers the newest (then Save makes it current), 'geodesk "
                 f"export PROJECT ... --generation {alternatives[0][0]}' exports from it, "
                 f"and so does Project.open(path, generation='{alternatives[0][0]}')")
    else:
        text += "; the project was not loaded and no intact earlier save was found"
    return DamagedProjectError(text, alternatives)
