"""One CDP for the velocity panel and the main view: choosing a CDP gather in the main view
(navigator, basemap click, PgDn) moves the panel there, and the panel's CDP (spin box, Prev /
Next) is shown in the main view; opening the panel shows its CDP there. A shot-sorted main view
has no CDP of its own: a click on one of its traces (Navigate tool) analyses that trace's CDP.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import Qt

if TYPE_CHECKING:
    from geodesk.qt.velocity.install import VelocityController
    from geodesk.qt.velocity.panel import VelocityPanel


class CdpSync:
    """Follows the main view's CDP in the panel and the panel's in the main view."""

    def __init__(self, controller: VelocityController) -> None:
        self.ctrl = controller
        self.window = controller.window
        self._moving = False  # one side is following the other: no echo back
        self._panel: VelocityPanel | None = None
        self.window.sig_section_changed.connect(lambda _section: self.from_main())
        self.window.view.sig_clicked.connect(self.from_trace)

    def attach(self, panel: VelocityPanel) -> None:
        """Follow ``panel`` (once; the panel is reused)."""
        if self._panel is not panel:
            self._panel = panel
            panel.sig_cdp_changed.connect(self.from_panel)

    def main_cdp(self) -> int | None:
        """The CDP the main view shows, None unless it shows a CDP gather."""
        w = self.window
        s: Any = w.survey
        if s is None or s.kind != "prestack" or s.gather_key != "cdp" \
                or w.navigator.mode != "gather":
            return None
        return int(w.navigator.value)

    def from_main(self) -> None:
        """The main view moved: analyse its CDP in the panel."""
        cdp = self.main_cdp()
        if self._moving or cdp is None or not self.ctrl.is_open or cdp == self._panel.cdp:
            return
        self._moving = True
        try:
            self._panel.go_to(cdp)
        finally:
            self._moving = False

    def from_trace(self, trace_value: float, _time_ms: float, button: Any) -> None:
        """A click on a trace of a shot gather in the main view: analyse its CDP (only with
        the Navigate tool: a picking click is not a choice of CDP)."""
        w = self.window
        sec = w.section
        picking = w.features.get("picking")
        if button != Qt.MouseButton.LeftButton or not self.ctrl.is_open or sec is None \
                or sec.kind != "gather" or self.main_cdp() is not None \
                or getattr(picking, "tool_name", "navigate") != "navigate":
            return
        cdps = sec.headers.get("cdp")
        if cdps is None or len(cdps) != sec.shape[0]:
            return
        i = int(np.argmin(np.abs(np.asarray(sec.axis0.values, dtype=float) - trace_value)))
        self._panel.go_to(int(cdps[i]))

    def from_panel(self, cdp: int) -> None:
        """The panel moved to ``cdp``: show that gather in the main view."""
        main = self.main_cdp()
        if self._moving or main is None or main == cdp or not self.ctrl.is_open:
            return
        self._moving = True
        try:
            self.window.go_to("gather", float(cdp))
        finally:
            self._moving = False
