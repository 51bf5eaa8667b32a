"""Review the model's first breaks where they are likeliest wrong: "Next most uncertain" (toolbar
button, Ctrl+U, Interpretation menu) and each pick's uncertainty as a coloured halo.

The per-trace uncertainty of the active first-break object is computed in a background job
(:func:`geodesk.ml.uncertainty.survey_scores`; by default the measure chosen on validation
shots, :data:`geodesk.ml.uncertainty.DEFAULT_MEASURE`, Interpretation ▸ Uncertainty measure
chooses another; those that run the network use the auto-pick's model) over the model's own
picks (a corrected pick counts at the model's original); each shot's
saturated mean
feeds a :class:`~geodesk.core.review.ReviewQueue`. "Next most uncertain" marks the shot on screen
reviewed and goes to the next one of the queue; when the model's picks change (a new auto-pick
or a model update) the scores are computed again and the queue keeps what was reviewed. The
reviewed marks are saved in the project (:mod:`geodesk.core.model_history`). Processing ▸ Fault
uncertainty overlay draws where the fault network is unsure over the section.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QToolBar

from geodesk.core.jobs import JobContext
from geodesk.core.picks import FirstBreaks, is_machine
from geodesk.core.processing.moveout import reduce_times
from geodesk.core.review import ReviewQueue
from geodesk.core.segy.reader import private_survey
from geodesk.ml.uncertainty import NEEDS_MODEL
from geodesk.qt.views.colour_bars import LegendEntry
from geodesk.qt.views.section_image import SectionImage

SHORTCUT = "Ctrl+U"
MEASURES = ("classical", "classical_centred", "confidence", "margin", "mc_std", "network",
            "network_final", "network_mc", "coherence", "trend")
MEASURE_LABELS = {"classical": "Disagreement with the classical picker",
                  "classical_centred": "Disagreement with the classical picker, centred",
                  "confidence": "The model's stored confidence",
                  "margin": "Margin to the second-best onset (runs the model)",
                  "mc_std": "Monte-Carlo dropout spread (runs the model 8 times)",
                  "network": "The network's own picks against the classical picker "
                             "(runs the model)",
                  "network_final": "The network's own picks against the final picks "
                                   "(runs the model)",
                  "network_mc": "Monte-Carlo spread of the network's own picks "
                                "(runs the model 8 times)",
                  "coherence": "Waveform coherence with the neighbours at the pick",
                  "trend": "Distance from the classical refractor trend"}
#: halo colours from certain to uncertain (green, yellow, red) and the score of full red per
#: measure (sample-valued measures: 4 samples off, twice the tolerance)
HALO_COLOURS = ((0, 176, 80), (255, 215, 0), (230, 0, 0))
FULL_SCALE = {"classical": 4.0, "classical_centred": 4.0, "mc_std": 4.0, "margin": 1.0,
              "confidence": 1.0, "network": 4.0, "network_final": 4.0, "network_mc": 4.0,
              "coherence": 1.0, "trend": 4.0}
Z_HALO = 19.0  # just below the picks (picking.overlays.Z_PICKS)
#: fault pixels less uncertain than this are not drawn (margin 0.4: p below 0.2 or above 0.8)
FAULT_FLOOR = 0.4


def halo_colours(scores: np.ndarray, full: float) -> list[tuple[int, int, int, int]]:
    """RGBA per score: green at 0 through yellow to red at ``full`` and above."""
    u = np.clip(np.nan_to_num(np.asarray(scores, dtype=float) / max(full, 1e-9)), 0.0, 1.0)
    lo, mid, hi = (np.array(c, dtype=float) for c in HALO_COLOURS)
    rgb = np.where(u[:, None] < 0.5, lo + (mid - lo) * (2 * u[:, None]),
                   mid + (hi - mid) * (2 * u[:, None] - 1))
    return [(int(r), int(g), int(b), 200) for r, g, b in rgb]


def model_picks(fb: FirstBreaks) -> tuple[np.ndarray, np.ndarray]:
    """The model's times and confidence per trace of ``fb``: its machine picks as they are,
    and where a correction replaced a model pick the model's original (``model_times``)."""
    names = fb.provenance_table.decode(fb.provenance.reshape(-1))
    machine = np.array([n is not None and is_machine(n) for n in names], dtype=bool)
    t = np.asarray(fb.times, dtype=np.float32).ravel()
    c = np.asarray(fb.confidence, dtype=np.float32).ravel()
    mt = np.asarray(fb.model_times, dtype=np.float32).ravel()
    mc = np.asarray(fb.model_confidence, dtype=np.float32).ravel()
    original = ~machine & np.isfinite(mt)
    return (np.where(original, mt, np.where(machine, t, np.nan)).astype(np.float32),
            np.where(original, mc, np.where(machine, c, np.nan)).astype(np.float32))


def _fingerprint(times: np.ndarray) -> tuple[int, float]:
    ok = np.isfinite(times)
    return int(ok.sum()), float(np.round(np.sum(times[ok], dtype=np.float64), 3))


class ReviewController:
    """The queue, the uncertainty job, the halo overlay and the actions of one window."""

    def __init__(self, session: Any, window: Any) -> None:
        from geodesk.ml.uncertainty import DEFAULT_MEASURE

        self.session, self.window = session, window
        self.measure = DEFAULT_MEASURE
        self.queue = ReviewQueue()
        self.per_trace: np.ndarray | None = None
        self.fb: FirstBreaks | None = None
        self.computed_for: tuple[int, float] | None = None
        self.handle: Any = None
        self.go_when_ready = False
        self.halo = pg.ScatterPlotItem(symbol="o", size=13, pen=None)
        self.halo.setVisible(False)
        window.view.add_overlay(self.halo, Z_HALO)

        self.next_action = QAction("Next most &uncertain", window)
        self.next_action.setShortcut(QKeySequence(SHORTCUT))
        self.next_action.setToolTip(f"Mark this shot reviewed and go to the shot whose "
                                    f"first breaks are likeliest wrong ({SHORTCUT})")
        self.next_action.triggered.connect(self.next_most_uncertain)
        window.addAction(self.next_action)  # the shortcut works with the toolbar hidden
        menu = window.menu("&Interpretation")
        menu.addAction(self.next_action)
        self.measure_menu = menu.addMenu("Uncertainty &measure")
        self.measure_group = QActionGroup(window)
        self.measure_actions: dict[str, QAction] = {}
        for name in MEASURES:
            act = self.measure_menu.addAction(MEASURE_LABELS[name] + (
                " (default)" if name == DEFAULT_MEASURE else ""))
            act.setCheckable(True)
            act.setChecked(name == self.measure)
            act.triggered.connect(lambda _c=False, n=name: self.set_measure(n))
            self.measure_group.addAction(act)
            self.measure_actions[name] = act
        self.toolbar = QToolBar("Review", window)
        self.toolbar.setObjectName("Review toolbar")
        self.toolbar.addAction(self.next_action)
        window.addToolBar(self.toolbar)

        self._debounce = QTimer(window)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(500)
        self._debounce.timeout.connect(self._refresh_if_stale)
        self._picks: Any = None
        window.sig_section_changed.connect(lambda _s: self.draw())
        window.sig_display_refreshed.connect(self.draw)
        window.sig_active_pick_changed.connect(lambda _o: self._debounce.start())
        window.sig_picks_replaced.connect(self._on_picks_replaced)
        self._survey_path: Any = None
        window.sig_survey_changed.connect(self._on_survey)
        self._on_picks_replaced(window.picks, None)

    def _on_survey(self, survey: Any) -> None:
        """Another file resets the queue; a regroup of the same file (CDP → FFID) keeps it."""
        path = getattr(survey, "path", None)
        if path != self._survey_path:
            self._survey_path = path
            self.reset()

    # -- state -----------------------------------------------------------------------------
    def target(self) -> FirstBreaks | None:
        """The first breaks reviewed: the active object, else the only one."""
        active = self.window.active_pick
        if isinstance(active, FirstBreaks):
            return active
        picks = self.window.picks
        names = picks.names("first_breaks") if picks is not None else []
        return picks.get("first_breaks", names[0]) if len(names) == 1 else None

    def reset(self) -> None:
        """Another survey: the queue, the scores and a running job go."""
        if self.handle is not None and self.handle.running:
            self.handle.cancel()
        self.handle = None
        self.queue = ReviewQueue()
        self.queue.reviewed = set(self._saved_reviewed())
        self.per_trace, self.fb, self.computed_for = None, None, None
        self.draw()

    def _survey_id(self) -> str | None:
        """The project's id of the survey whose picks are shown (None without a project)."""
        project, picks = self.window.project, self.window.picks
        if project is None or picks is None:
            return None
        return next((sid for sid, i in project.interpretations.items() if i is picks), None)

    def _saved_reviewed(self) -> list:
        """The shots marked reviewed in the project (saved with it: model history)."""
        sid = self._survey_id()
        return [] if sid is None else \
            self.window.project.model_history.reviewed_keys(sid, "firstbreaks")

    def _save_reviewed(self) -> None:
        sid = self._survey_id()
        if sid is not None:
            self.window.project.model_history.mark_reviewed(sid, "firstbreaks",
                                                            self.queue.reviewed)

    def _on_picks_replaced(self, picks: Any, _history: Any) -> None:
        if self._picks is not None:
            self._picks.changed.disconnect(self._on_change)
        self._picks = picks
        if picks is not None:
            picks.changed.connect(self._on_change)
        self.reset()

    def _on_change(self, change: Any) -> None:
        if change.source is self.fb or isinstance(change.source, FirstBreaks):
            self._debounce.start()  # e.g. a new auto-pick or a model update: scores again

    def stale(self) -> bool:
        fb = self.target()
        if fb is None:
            return False
        return fb is not self.fb or _fingerprint(model_picks(fb)[0]) != self.computed_for

    def _refresh_if_stale(self) -> None:
        if self.per_trace is not None and self.stale():
            self.refresh()

    def set_measure(self, name: str) -> Any:
        """Rank by measure ``name`` from now on: the scores are computed again (reviewed marks
        stay); returns the job."""
        self.measure = name
        self.measure_actions[name].setChecked(True)
        return self.refresh() if self.per_trace is not None else None

    # -- work --------------------------------------------------------------------------------
    def refresh(self) -> Any:
        """Compute the uncertainty of the target's model picks in a background job."""
        from geodesk.ml.uncertainty import survey_scores

        w, fb = self.window, self.target()
        s = w.survey
        if fb is None or s is None or s.kind != "prestack" or fb.n_traces != s.n_traces:
            self.message("Next most uncertain: auto-pick first breaks on a pre-stack file first")
            return None
        if self.handle is not None and self.handle.running:
            self.handle.cancel()  # latest wins
        times, conf = model_picks(fb)
        times, conf = times.copy(), conf.copy()
        measure = self.measure
        load = None
        if measure in NEEDS_MODEL:  # the auto-pick's model, read in the job
            load = w.features["autopick"].models.loader()
            if load is None:
                return None

        def job(ctx: JobContext) -> tuple[np.ndarray, dict[int, float]]:
            model = load(ctx) if load is not None else None
            with private_survey(s) as own:
                shots = own if own.gather_key == "ffid" else own.regroup("ffid")
                try:
                    return survey_scores(shots, times, conf, measure, ctx, model)
                finally:
                    if shots is not own:  # the regrouped handle holds its own file open
                        shots.close()

        handle = w.runner.submit(job, "Uncertainty of the first breaks")
        handle.finished.connect(lambda r: self._scored(handle, fb, times, r))
        handle.failed.connect(lambda e: self.message(f"Uncertainty failed: {e}")
                              if handle is self.handle else None)
        self.handle = handle
        return handle

    def _scored(self, handle: Any, fb: FirstBreaks, times: np.ndarray,
                result: tuple[np.ndarray, dict[int, float]]) -> None:
        if handle is not self.handle:
            return
        self.per_trace, gathers = result
        self.fb, self.computed_for = fb, _fingerprint(times)
        keys = sorted(gathers)
        self.queue.update(gathers, {k: float(n) for n, k in enumerate(keys)})
        self.draw()
        if self.go_when_ready:
            self.go_when_ready = False
            self._go(self.queue.next(self.current()))

    def current(self) -> int | None:
        """The FFID on screen (None unless a shot gather is shown)."""
        nav, s = self.window.navigator, self.window.survey
        if s is None or nav.mode != "gather" or s.gather_key != "ffid":
            return None
        return int(nav.value)

    def next_most_uncertain(self) -> int | None:
        """Mark the shot on screen reviewed and go to the next of the queue (computing the
        scores first when they are missing or stale); returns the FFID gone to."""
        if self.per_trace is None or self.stale():
            self.go_when_ready = self.refresh() is not None
            return None
        key = self.queue.advance(self.current())
        self._save_reviewed()
        return self._go(key)

    def _go(self, key: int | None) -> int | None:
        s = self.window.survey
        if key is None:
            self.message("Every shot has been reviewed")
            return None
        # read before a regroup: showing the regrouped survey resets the queue
        text = (f"Shot {key}: uncertainty {self.queue.scores[key]:.2f} ({self.measure}); "
                f"{self.queue.remaining()} shots left to review")
        if s.gather_key != "ffid":
            self.window.set_survey(s.regroup("ffid"))
        self.window.go_to("gather", key)
        self.message(text)
        return key

    def message(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 8000)

    # -- drawing -------------------------------------------------------------------------------
    def draw(self) -> None:
        """Halo of the shown gather's picks, coloured by their uncertainty."""
        w = self.window
        sec, fb = w.section, self.fb
        if self.per_trace is None or fb is None or sec is None or sec.kind != "gather" \
                or sec.trace_index is None or fb not in (w.picks.objects() if w.picks else []):
            self.halo.setVisible(False)
            w.view.set_legend("review_halo", [])
            return
        ti = np.asarray(sec.trace_index, dtype=np.int64)
        ok = (ti >= 0) & (ti < fb.n_traces)
        t = np.full(ti.size, np.nan)
        u = np.full(ti.size, np.nan)
        t[ok] = np.asarray(fb.times, dtype=float).ravel()[ti[ok]]
        u[ok] = self.per_trace[ti[ok]]
        picking = w.features.get("picking")
        velocity = picking.layer.ctx.velocity if picking is not None else None
        if velocity is not None and "offset" in sec.headers:
            t = reduce_times(t, sec.headers["offset"], velocity)
        sel = np.isfinite(t) & np.isfinite(u)
        x = np.arange(ti.size, dtype=float)[sel]
        brushes = [pg.mkBrush(*c) for c in halo_colours(u[sel], FULL_SCALE.get(self.measure,
                                                                               1.0))]
        self.halo.setData(x, t[sel], brush=brushes)
        self.halo.setVisible(bool(sel.any()))
        self.window.view.set_legend("review_halo", [LegendEntry(
            "pick uncertainty (green sure, red unsure)", "#ff4040", "marker")]
            if sel.any() else [])


def uncertainty_rgba(uncertainty: np.ndarray, floor: float = FAULT_FLOOR) -> np.ndarray:
    """RGBA image (traces, samples, 4) of a fault pixel uncertainty in [0, 1]: magenta, opaque
    as it nears 1, transparent below ``floor``."""
    u = np.clip(np.nan_to_num(np.asarray(uncertainty, dtype=np.float32)), 0.0, 1.0)
    rgba = np.zeros(u.shape + (4,), dtype=np.uint8)
    rgba[..., 0], rgba[..., 2] = 230, 230
    rgba[..., 3] = np.where(u >= floor, 60 + 180 * (u - floor) / max(1.0 - floor, 1e-6),
                            0).astype(np.uint8)
    return rgba


class FaultUncertaintyOverlay:
    """Processing > Fault uncertainty overlay: where the fault overlay's network is unsure
    (:func:`geodesk.ml.uncertainty.fault_uncertainty`, margin: 1 - |2p - 1|), drawn over the
    section from the probability the fault overlay computed for it (turned on with it)."""

    def __init__(self, window: Any) -> None:
        self.window = window
        self.item = SectionImage()  # ARGB32: no format conversion per paint
        self.shown = False
        self.action = window.menu("&Processing").addAction("Fault &uncertainty overlay",
                                                           self.toggle)
        self.action.setCheckable(True)
        # connected after the fault overlay's own slot: its result for the new section (kept or
        # None) is set when this runs
        window.sig_section_changed.connect(lambda _s: self._follow())

    def _faults(self) -> Any:
        return self.window.features.get("fault_overlay")

    def toggle(self, on: bool | None = None) -> None:
        on = (not self.shown) if on is None else bool(on)
        fo = self._faults()
        if on and fo is not None and not fo.shown:
            fo.toggle(True)
        self.shown = bool(on and fo is not None and fo.shown)
        self.action.setChecked(self.shown)
        if self.shown:
            self.window.view.add_overlay(self.item, z=6)
            self.window.view.set_legend("fault_uncertainty", [LegendEntry(
                "fault uncertainty (1 - |2p - 1|)", "#e600e6", "patch")])
            self._follow()
        else:
            self.window.view.remove_overlay(self.item)
            self.window.view.set_legend("fault_uncertainty", [])

    def _follow(self) -> None:
        fo = self._faults()
        if not self.shown or fo is None:
            return
        self.item.clear()
        if self.draw not in fo.listeners:  # drawn again whenever a section's result is shown
            fo.listeners.append(self.draw)
        self.draw()

    def draw(self) -> None:
        from geodesk.ml.uncertainty import fault_uncertainty

        fo = self._faults()
        if not self.shown or fo is None or fo.prob is None:
            return
        rgba = uncertainty_rgba(fault_uncertainty(fo.prob))
        self.item.setImage(np.ascontiguousarray(rgba.transpose(1, 0, 2)), levels=None)
        self.item.setRect(self.window.view.image_rect())


def install(session: Any, window: Any) -> ReviewController:
    """Add the review queue ("Next most uncertain") and the fault uncertainty overlay to
    ``window``."""
    controller = ReviewController(session, window)
    controller.fault_overlay = FaultUncertaintyOverlay(window)
    return controller
