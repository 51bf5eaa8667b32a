"""One CDP for the velocity panel and the main view: choosing a CDP gather in the main view
(navigator, basemap click, PgDn) moves the panel there, and the panel's CDP (spin box, Prev /
Next) is shown in the main view. Only where the main view shows CDP gathers (a shot-sorted
view has no CDP to follow); opening the panel shows its CDP in the main view.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

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
