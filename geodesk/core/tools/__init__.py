"""Picking tools as Qt-free state machines fed with pointer events in data coordinates.

Each tool has ``press(x, t, button="left", modifiers=())``, ``move(x, t, modifiers=())``,
``release(x, t, button, modifiers)``, ``double_click(x, t, button, modifiers)``,
``key(name, modifiers) -> bool`` (True when used), ``cancel()`` and ``overlay()`` → list of
:class:`OverlayItem` to draw; ``x`` is the trace position (index units) and ``t`` the time (ms).
Every edit goes through the app-wide :class:`~geodesk.core.history.History`, one step per stroke.
"""

from geodesk.core.tools.base import OverlayItem, SnapFn, ToolError, section_keys
from geodesk.core.tools.fault_tool import FaultStickTool
from geodesk.core.tools.first_break_tool import FirstBreakTool
from geodesk.core.tools.horizon_tool import HorizonTool, TrackFn, array_tracker
from geodesk.core.tools.snap import snap_extremum

__all__ = ["FaultStickTool", "FirstBreakTool", "HorizonTool", "OverlayItem", "SnapFn",
           "ToolError", "TrackFn", "array_tracker", "section_keys", "snap_extremum"]
