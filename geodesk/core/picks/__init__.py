"""The picks model: horizons, fault sticks, first breaks and velocity functions with provenance.

Plain Python objects (no Qt) that emit :class:`Change` events through ``obj.changed`` (an
:class:`Event`: ``connect(fn)``, ``disconnect(fn)``, ``blocked()``). Every mutation is a
history-aware edit function whose first argument is the app-wide
:class:`~geodesk.core.history.History` (or None to apply without recording, e.g. importers
filling a fresh object), so undo works for tools, trackers and importers alike.

Provenance (per pick)
    ``"manual"``, ``"tracked"``, ``"model:<name>@<version>"``, ``"corrected"`` and
    ``"imported[:<source>]"``. Writing with provenance ``"manual"`` over a tracked / model /
    imported / corrected pick stores ``"corrected"``; over a manual or empty pick it stays
    ``"manual"``; machine writes store what they pass (:func:`edited_provenance`).
    Per-trace picks store an int16 code array into ``obj.provenance_table.names`` (-1 = no pick)
    and a float32 ``confidence`` (NaN where none). ``obj.stamp`` holds who/when of the last edit.

Objects and their edit functions (``h`` is a History or None)
    ``Horizon(name, inlines, crosslines, colour="#ffcc00", geometry=None)``;
    ``Horizon.for_line(name, trace_numbers, line=0)``; ``Horizon.like_survey(name, survey)``.
    Arrays ``times`` / ``provenance`` / ``confidence`` of shape (n_inlines, n_crosslines);
    ``seeds``: list of (inline, crossline, time_ms).
    ``set_times(h, index, times, provenance="manual", confidence=None, label=None, user=None)``
    where ``index`` is a bool mask, a (rows, cols) tuple or flat indices and NaN times erase;
    ``erase(h, index)``; ``write_tracked(h, index, times, confidence=None, provenance="tracked",
    overwrite=False)`` (tracker/model output: NaN never erases, seeds stay, manual/corrected stay
    unless overwrite); ``flat_index_of(inlines, crosslines)``; ``times_at(il, xl)``;
    ``add_seed(h, il, xl, t)``, ``remove_seed(h, k)``, ``set_seeds(h, seeds)``,
    ``set_colour(h, colour)``; ``provenance_of(index)`` → list of strings.

    ``FirstBreaks(name, ffid, channel)`` (one entry per file trace; pick index = file trace
    index = ``Section.trace_index``); ``FirstBreaks.like_survey(name, prestack)``; same
    ``set_times`` / ``erase``; ``index_of(ffid, channel)``, ``gather_indices(ffid)``,
    ``gather_times(ffid)`` → (channels, times).

    ``FaultSet(name)`` with ``faults: list[Fault(name, colour, sticks)]``; a ``Stick(uid, points
    (n, 3) inline/crossline/time_ms, section_kind "inline"|"crossline"|"line", section_number,
    provenance)`` is immutable and replaced on edit. ``add_fault(h, name, colour)``,
    ``remove_fault``, ``rename_fault``, ``set_fault_colour``, ``add_stick(h, fault, points,
    section_kind, section_number, provenance="manual") -> uid``, ``remove_stick(h, uid)``,
    ``set_stick_points(h, uid, points)``, ``move_node(h, uid, node, point)``,
    ``sticks_on(section_kind, number)``, ``stick(uid)``.

    ``VelocityFunctions(name)`` with ``functions: dict[cdp, VelocityFunction(times_ms, vrms_mps,
    provenance)]`` sorted in time. ``set_function(h, cdp, times, vrms, provenance)``,
    ``add_pick``, ``move_pick``, ``remove_pick``, ``remove_function`` (the first three return
    warnings, never raise on bad velocities); ``validate(cdp)``, ``interval_velocity(cdp)``
    (Dix), ``vrms_at(cdp, times)`` (interpolated between CDPs); module ``dix``, ``check_function``.

    ``Interpretation(survey_name)``: ``add(h, obj)``, ``remove(h, kind, name)``,
    ``rename(h, kind, name, new)``, ``get(kind, name)``, ``names(kind)``, ``objects()``,
    ``horizons`` / ``fault_sets`` / ``first_breaks`` / ``velocities`` dicts, ``unique_name``.
    Kinds: ``"horizon"``, ``"fault_set"``, ``"first_breaks"``, ``"velocity_functions"``.
    ``label_marks``: the :class:`~geodesk.core.picks.marks.LabelMarks` (confirmed picks, fully
    interpreted sections, deleted labels) that :mod:`geodesk.core.labels` reads with the picks.

State layout (``obj.to_state() -> (meta, arrays)``; ``Cls.from_state(meta, arrays)`` is exact)
    Every meta has ``type`` (the kind), ``format`` (1), ``name``, ``provenance_names`` (list; the
    int16 codes index it), ``last_user``, ``last_modified`` (ISO UTC).
    horizon: meta + ``colour``, ``geometry`` ("3d"/"2d"); arrays ``inlines`` int64 (ni),
    ``crosslines`` int64 (nx), ``times`` float32 (ni, nx), ``provenance`` int16 (ni, nx),
    ``confidence`` float32 (ni, nx), ``seeds`` float64 (n, 3).
    first_breaks: arrays ``ffid`` int64 (n), ``channel`` int64 (n), ``times`` float32,
    ``provenance`` int16, ``confidence`` float32 (n).
    fault_set: meta + ``faults`` [{name, colour}], ``next_uid``; arrays ``points`` float64 (N, 3),
    ``stick_offsets`` int64 (s+1) (points of stick k are points[off[k]:off[k+1]]),
    ``stick_fault`` int32 (index into meta faults), ``stick_uid`` int64, ``stick_provenance``
    int16, ``stick_section_kind`` int8 (index into inline/crossline/line),
    ``stick_section_number`` float64.
    velocity_functions: arrays ``cdp`` int64 (f), ``offsets`` int64 (f+1), ``times`` float64,
    ``vrms`` float64, ``provenance`` int16 (one per pick).
    interpretation: meta ``survey_name`` and ``objects`` (list of the metas above); arrays of
    object n under ``"<n>/<key>"``.
"""

from __future__ import annotations

from geodesk.core.picks.base import (
    CORRECTED,
    IMPORTED,
    MANUAL,
    NO_PROVENANCE,
    TRACKED,
    Change,
    EditStamp,
    Event,
    ProvenanceTable,
    check_provenance,
    edited_provenance,
    is_machine,
)
from geodesk.core.picks.faults import STICK_SECTION_KINDS, Fault, FaultSet, Stick
from geodesk.core.picks.firstbreaks import FirstBreaks
from geodesk.core.picks.horizon import Horizon
from geodesk.core.picks.store import KINDS, Interpretation, PickObject
from geodesk.core.picks.velocity import (
    VINT_RANGE_MPS,
    VelocityFunction,
    VelocityFunctions,
    check_function,
    dix,
)

__all__ = [
    "CORRECTED",
    "IMPORTED",
    "KINDS",
    "MANUAL",
    "NO_PROVENANCE",
    "STICK_SECTION_KINDS",
    "TRACKED",
    "VINT_RANGE_MPS",
    "Change",
    "EditStamp",
    "Event",
    "Fault",
    "FaultSet",
    "FirstBreaks",
    "Horizon",
    "Interpretation",
    "PickObject",
    "ProvenanceTable",
    "Stick",
    "VelocityFunction",
    "VelocityFunctions",
    "check_function",
    "check_provenance",
    "dix",
    "edited_provenance",
    "is_machine",
]
