"""Structural checks of a loaded project: the document's fields and every pick object's state
(dtypes, shapes, offsets that cover the point arrays, indices in range, unique CDPs/uids,
finite values). A state that fails is refused rather than rebuilt into something else."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from geodesk.core.project.migrate import DEFAULT_DISPLAY

N_SECTION_KINDS = 3  # geodesk.core.picks.faults.STICK_SECTION_KINDS

#: display settings: key -> (lowest, highest) allowed value of a number
DISPLAY_RANGES = {"clip_percentile": (1e-6, 100.0), "gain": (1e-12, 1e12),
                  "agc_ms": (0.0, 1e7)}


class StateError(ValueError):
    """A saved document or pick state that is not what a save writes; the message says why."""


def _need(ok: bool, what: str) -> None:
    if not ok:
        raise StateError(what)


def _array(arrays: dict[str, Any], key: str, kind: str, ndim: int,
           length: int | None = None) -> np.ndarray:
    """``arrays[key]`` checked for dtype kind ('i' integer, 'f' float) and number of axes."""
    _need(key in arrays, f"array {key!r} missing")
    a = arrays[key]
    _need(isinstance(a, np.ndarray) and a.dtype.kind == kind and a.ndim == ndim,
          f"array {key!r} has the wrong type or shape")
    _need(length is None or a.shape[0] == length, f"array {key!r} has the wrong length")
    return a


def _codes(a: np.ndarray, n_names: int, key: str, allow_none: bool) -> None:
    low = -1 if allow_none else 0
    _need(a.size == 0 or (a.min() >= low and a.max() < n_names), f"{key} index out of range")


def _times(a: np.ndarray, key: str) -> None:
    _need(not np.isinf(a).any(), f"{key} holds infinite values")


def _offsets(off: np.ndarray, total: int, key: str) -> None:
    _need(off.size >= 1 and off[0] == 0 and off[-1] == total and bool(np.all(np.diff(off) >= 0)),
          f"{key} does not match the point arrays")


def _unique(a: np.ndarray, key: str) -> None:
    _need(np.unique(a).size == a.size, f"duplicate {key}")


def check_meta(meta: Any, kind: str) -> list[str]:
    """The common metadata of every kind; returns the provenance names."""
    _need(isinstance(meta, dict) and meta.get("type") == kind, "metadata of the wrong kind")
    _need(isinstance(meta.get("name"), str) and meta["name"] != "", "object without a name")
    _need(all(isinstance(meta.get(k, ""), str) for k in ("last_user", "last_modified",
                                                          "colour")), "bad edit stamp or colour")
    names = meta.get("provenance_names")
    _need(isinstance(names, list) and all(isinstance(n, str) for n in names),
          "bad provenance names")
    return names


def _per_trace(arrays: dict[str, Any], names: list[str], shape: tuple[int, ...]) -> None:
    ndim = len(shape)
    times = _array(arrays, "times", "f", ndim)
    prov = _array(arrays, "provenance", "i", ndim)
    conf = _array(arrays, "confidence", "f", ndim)
    _need(times.shape == shape and prov.shape == shape and conf.shape == shape,
          "pick arrays do not match the geometry")
    _times(times, "times")
    _codes(prov, len(names), "provenance", allow_none=True)


def check_horizon(meta: dict[str, Any], arrays: dict[str, Any]) -> None:
    names = check_meta(meta, "horizon")
    _need(meta.get("geometry") in ("3d", "2d"), "bad geometry")
    il, xl = _array(arrays, "inlines", "i", 1), _array(arrays, "crosslines", "i", 1)
    _unique(il, "inlines")
    _unique(xl, "crosslines")
    _per_trace(arrays, names, (il.size, xl.size))
    seeds = _array(arrays, "seeds", "f", 2)
    _need(seeds.shape[1] == 3 and np.isfinite(seeds).all(), "bad seeds")


def check_first_breaks(meta: dict[str, Any], arrays: dict[str, Any]) -> None:
    names = check_meta(meta, "first_breaks")
    ffid = _array(arrays, "ffid", "i", 1)
    _array(arrays, "channel", "i", 1, ffid.size)
    _per_trace(arrays, names, (ffid.size,))


def check_fault_set(meta: dict[str, Any], arrays: dict[str, Any]) -> None:
    names = check_meta(meta, "fault_set")
    faults = meta.get("faults")
    _need(isinstance(faults, list) and all(
        isinstance(f, dict) and isinstance(f.get("name"), str) and isinstance(f.get("colour"), str)
        for f in faults), "bad fault list")
    _need(type(meta.get("next_uid", 1)) is int, "bad next_uid")
    pts = _array(arrays, "points", "f", 2)
    _need(pts.shape[1] == 3 and np.isfinite(pts).all(), "bad stick points")
    off = _array(arrays, "stick_offsets", "i", 1)
    n = off.size - 1
    _offsets(off, pts.shape[0], "stick_offsets")
    _codes(_array(arrays, "stick_fault", "i", 1, n), len(faults), "stick_fault", False)
    _unique(_array(arrays, "stick_uid", "i", 1, n), "stick uids")
    _codes(_array(arrays, "stick_provenance", "i", 1, n), len(names), "stick_provenance", False)
    _codes(_array(arrays, "stick_section_kind", "i", 1, n), N_SECTION_KINDS,
           "stick_section_kind", False)
    _need(np.isfinite(_array(arrays, "stick_section_number", "f", 1, n)).all(),
          "bad stick section numbers")


def check_velocity_functions(meta: dict[str, Any], arrays: dict[str, Any]) -> None:
    names = check_meta(meta, "velocity_functions")
    cdp = _array(arrays, "cdp", "i", 1)
    _unique(cdp, "CDPs")
    off = _array(arrays, "offsets", "i", 1, cdp.size + 1)
    times = _array(arrays, "times", "f", 1)
    vrms = _array(arrays, "vrms", "f", 1, times.size)
    _offsets(off, times.size, "offsets")
    _need(np.isfinite(times).all() and np.isfinite(vrms).all() and (vrms > 0).all(),
          "velocity picks not finite and positive")
    _codes(_array(arrays, "provenance", "i", 1, times.size), len(names), "provenance", False)


def check_label_marks(meta: Any, arrays: dict[str, Any],
                      sizes: dict[tuple[str, str], int] | None = None) -> None:
    """StateError when saved label marks are not what a save writes; ``sizes`` (object kind
    and name -> number of picks) also checks confirmed indices against the objects present."""
    _need(isinstance(meta, dict) and meta.get("type") == "label_marks", "bad label marks")
    _need(type(meta.get("format")) is int and meta["format"] >= 1, "bad label marks format")
    confs, sections, excluded = (meta.get(k) for k in ("confirmations", "sections", "excluded"))
    _need(isinstance(confs, list) and all(
        isinstance(c, dict) and all(_is_str(c.get(k)) for k in ("object_kind", "object_name",
                                                               "time", "user"))
        for c in confs), "bad confirmations")
    _need(isinstance(sections, list) and all(
        isinstance(m, dict) and m.get("section_kind") in ("inline", "crossline", "line")
        and isinstance(m.get("section_number"), (int, float))
        and not isinstance(m.get("section_number"), bool)
        and math.isfinite(m["section_number"]) and _is_str(m.get("time"))
        and _is_str(m.get("user")) for m in sections), "bad fully interpreted sections")
    _need(isinstance(excluded, list) and all(_is_str(f) for f in excluded), "bad excluded labels")
    off = _array(arrays, "confirm_offsets", "i", 1, len(confs) + 1)
    index = _array(arrays, "confirm_index", "i", 1)
    times = _array(arrays, "confirm_times", "f", 1, index.size)
    _offsets(off, index.size, "confirm_offsets")
    _need(bool(np.isfinite(times).all()), "confirmed times not finite")
    _need(index.size == 0 or index.min() >= 0, "confirmed pick index out of range")
    for k, c in enumerate(confs):
        size = (sizes or {}).get((c["object_kind"], c["object_name"]))
        _need(size is None or off[k] == off[k + 1] or index[off[k]:off[k + 1]].max() < size,
              "confirmed pick index out of range")


CHECKS = {"horizon": check_horizon, "first_breaks": check_first_breaks,
          "fault_set": check_fault_set, "velocity_functions": check_velocity_functions}


def check_state(meta: Any, arrays: dict[str, Any]) -> None:
    """StateError when a pick object's saved state is not one a save writes."""
    kind = meta.get("type") if isinstance(meta, dict) else None
    _need(kind in CHECKS, f"unknown object type {kind!r}")
    CHECKS[kind](meta, arrays)


def _is_str(v: Any) -> bool:
    return isinstance(v, str)


def _is_opt_int(v: Any) -> bool:
    return v is None or (type(v) is int and v >= 0)


def check_document(doc: dict[str, Any]) -> None:
    """StateError when project.json's fields are not of the types and ranges a save writes."""
    for key in ("created", "modified", "app_version", "save_id"):
        _need(_is_str(doc.get(key, "")), f"bad {key}")
    surveys = doc.get("surveys", [])
    _need(isinstance(surveys, list), "bad survey list")
    for s in surveys:
        _need(isinstance(s, dict) and set(s) == {"id", "path", "relative_path", "size",
                                                 "mtime_ns"}, "bad survey entry")
        _need(all(_is_str(s[k]) for k in ("id", "path", "relative_path"))
              and _is_opt_int(s["size"]) and _is_opt_int(s["mtime_ns"]), "bad survey entry")
    _unique(np.array([s["id"] for s in surveys], dtype=object), "survey ids")
    objects = doc.get("objects", [])
    _need(isinstance(objects, list) and all(
        isinstance(o, dict) and _is_str(o.get("survey")) and _is_str(o.get("group"))
        for o in objects), "bad object index")
    _need(len({(o["survey"], o["group"]) for o in objects}) == len(objects),
          "duplicate entries in the object index")
    check_display(doc.get("display", {}))
    axes = doc.get("axes", {})
    _need(isinstance(axes, dict) and all(_is_str(v) for k, v in axes.items() if k != "order"),
          "bad axes")
    order = axes.get("order", [])
    _need(isinstance(order, list) and all(_is_str(v) for v in order), "bad axes order")


def check_display(display: Any) -> None:
    """StateError for display settings a save would not write (NaN gain, wrong types…)."""
    _need(isinstance(display, dict), "bad display settings")
    for key, value in display.items():
        _need(display_value_ok(key, value), f"bad display setting {key}={value!r}")


def display_value_ok(key: str, value: Any) -> bool:
    """True when one display setting is of its kind and range (finite numbers only)."""
    if key == "colormap":
        return _is_str(value)
    if key in DISPLAY_RANGES:
        low, high = DISPLAY_RANGES[key]
        return (isinstance(value, (int, float)) and not isinstance(value, bool)
                and math.isfinite(value) and low <= value <= high)
    return _json_safe(value)


def clean_display(display: dict[str, Any]) -> dict[str, Any]:
    """Display settings safe to save: a value out of kind or range becomes its default (or is
    left out), so a NaN gain set in memory never makes a save fail."""
    out = {}
    for key, value in display.items():
        if display_value_ok(key, value):
            out[key] = value
        elif key in DEFAULT_DISPLAY:
            out[key] = DEFAULT_DISPLAY[key]
    return out


def _json_safe(value: Any, depth: int = 0) -> bool:
    if depth > 8:
        return False
    if value is None or isinstance(value, (str, bool)):
        return True
    if isinstance(value, int):
        return abs(value) < 2**63
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, list):
        return all(_json_safe(v, depth + 1) for v in value)
    if isinstance(value, dict):
        return all(_is_str(k) and _json_safe(v, depth + 1) for k, v in value.items())
    return False
