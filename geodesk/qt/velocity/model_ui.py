"""Velocity picks by the velocity U-Net, in the velocity panel and for all CMPs.

The model predicts a dense Vrms(t) from the semblance panel of a CMP; the picks written are the
semblance peaks within 5 % of that trend, where the semblance shows reflections
(:func:`~geodesk.ml.run.results.model_velocity_function`; knots of the trend itself where no peak
is near), with provenance
``model:velocity-unet@<version>``. They are ordinary picks: drag, delete, add and undo them in
the panel like any other. One CMP (a click) or all CMPs are picked in a background job (which
also loads the model: never on the GUI thread), each written as ONE undo step; all CMPs leave
the CMPs that hold manual or corrected picks as they are.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtWidgets import QMenu, QToolButton

from geodesk.core.jobs import JobContext
from geodesk.core.picks import CORRECTED, MANUAL, VelocityFunctions
from geodesk.core.segy.reader import private_survey
from geodesk.qt.jobs.runner import JobHandle
from geodesk.qt.models.model_choice import ModelChoice
from geodesk.qt.velocity.hand_picks import ask_replace_or_beside, hand_pick_count

if TYPE_CHECKING:
    from geodesk.qt.velocity.install import VelocityController
    from geodesk.qt.velocity.panel import VelocityPanel


class VelocityModelPicker:
    """The "Model" button of the velocity panel and the Processing-menu entry for all CMPs."""

    def __init__(self, controller: VelocityController) -> None:
        self.ctrl = controller
        self.window = controller.window
        self.models = ModelChoice(self.window, "velocities")
        self.job: JobHandle | None = None  # all CMPs
        self.cmp_job: JobHandle | None = None  # the panel's CMP
        self.panel: VelocityPanel | None = None
        menu = self.window.menu("&Processing")
        self.all_action = menu.addAction("Auto-pick velocities with &model (all CMPs)",
                                         self.pick_all)
        self.model_action = menu.addAction("Velocity m&odel…", lambda: self.models.choose())

    def error(self, text: str) -> None:
        self.ctrl.error(text)

    def attach(self, panel: VelocityPanel) -> None:
        """Add the Model button to ``panel`` (once; the panel is reused)."""
        if self.panel is panel:
            return
        self.panel = panel
        button = QToolButton()
        button.setText("Model picks")
        button.setToolTip("Velocity picks by the velocity U-Net (editable like any pick)")
        button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(button)
        menu.addAction("Auto-pick this CMP with the model", self.pick_cmp)
        menu.addAction("Auto-pick all CMPs with the model", self.pick_all)
        menu.addSeparator()
        menu.addAction("Model file…", lambda: self.models.choose())
        button.setMenu(menu)
        self.button = button
        panel.add_to_bar(button)

    # -- one CMP ------------------------------------------------------------------------------
    def pick_cmp(self) -> JobHandle | None:
        """Replace the function of the panel's CDP by the model's knots (one undo step) when
        the job (model loading and prediction) finishes; None when refused."""
        panel = self.panel
        if panel is None or panel.functions is None:
            self.error("Open the velocity analysis panel first.")
            return None
        if panel.gather is None:
            self.error("No CMP gather is shown in the panel.")
            return None
        functions, cdp = panel.functions, panel.cdp
        hand = hand_pick_count(functions, cdp)
        how = self.ask_hand_picks(cdp, hand) if hand else "replace"
        if how == "cancel":
            return None
        load = self.models.loader()
        if load is None:
            return None
        if self.cmp_job is not None and self.cmp_job.running:
            self.cmp_job.cancel()  # latest wins
        gather, demultiple = panel.gather, panel.demultiple_box.isChecked()

        def job(ctx: JobContext) -> tuple[Any, np.ndarray, np.ndarray]:
            from geodesk.ml.run.results import model_velocity_function

            model = load(ctx)
            return (model, *model_velocity_function(model, gather, demultiple=demultiple))

        handle = self.window.runner.submit(job, f"Auto-pick velocities with model CDP {cdp}")
        handle.finished.connect(lambda out: self._write_cmp(functions, cdp, *out, how=how)
                                if handle is self.cmp_job else None)
        handle.failed.connect(lambda exc: self._failed("The velocity model failed", exc)
                              if handle is self.cmp_job else None)
        self.cmp_job = handle
        return handle

    def ask_hand_picks(self, cdp: int, n_hand: int) -> str:
        """Whether the model's knots replace the CDP's ``n_hand`` hand picks ("replace"), go
        beside them ("beside") or nothing is done ("cancel"). Tests replace it."""
        return ask_replace_or_beside(self.window, "Model picks", "model", cdp, n_hand)

    def _write_cmp(self, functions: VelocityFunctions, cdp: int, model: Any, t: np.ndarray,
                   v: np.ndarray, how: str = "replace") -> list[str]:
        """Write one CDP's model knots (one undo step), replacing its function or beside its
        hand picks (``how``); the warnings about the function."""
        from geodesk.ml.run.results import provenance_of

        self.models.delivered(model)
        panel = self.panel
        if panel is None or panel.functions is not functions or functions not in \
                self.window.picks.objects():
            self.error("The velocity object changed while the model ran: nothing was written.")
            return []
        if t.size == 0:
            panel.warning.setText(f"CDP {cdp}: the model found no reflections to pick")
            return []
        if how == "beside":
            warnings = functions.add_beside(panel.history, cdp, t, v, provenance_of(model))
        else:
            warnings = functions.set_function(
                panel.history, cdp, t, v, provenance_of(model),
                label=f"Auto-pick velocities with model CDP {cdp}")
        if panel.cdp == cdp:
            panel.refresh_function()
        return warnings

    def _failed(self, what: str, exc: BaseException) -> None:
        if not self.models.failed(exc):
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            self.error(f"{what}: {first}")

    # -- all CMPs -----------------------------------------------------------------------------
    def pick_all(self) -> JobHandle | None:
        """Model knots on every (every N-th, as in the panel) CMP as a background job."""
        from geodesk.ml.run.results import pick_velocities_model, provenance_of

        survey = self.window.survey
        if survey is None or survey.kind != "prestack":
            self.error("Open a pre-stack file (CMP or shot gathers) first.")
            return None
        load = self.models.loader()  # read in the job, not on the GUI thread
        if load is None:
            return None
        if self.job is not None and self.job.running:
            self.job.cancel()  # latest wins
        target = self.ctrl.functions()
        panel = self.panel if self.ctrl.is_open else None
        every = panel.every_box.value() if panel is not None else 1
        first = [panel.cdp] if panel is not None else []
        demultiple = panel is not None and panel.demultiple_box.isChecked()

        def job(ctx: JobContext) -> tuple[Any, dict]:
            model = load(ctx)
            with private_survey(survey) as own:  # never share the GUI thread's file handle
                return model, pick_velocities_model(own, model, ctx, every=every, first=first,
                                                    demultiple=demultiple)

        def finished(out: tuple[Any, dict]) -> None:
            model, result = out
            self.models.delivered(model)
            if handle is self.job:  # a superseded run's outcome (arriving late) is dropped
                self.write_all(target, result, provenance_of(model))

        handle = self.window.runner.submit(job, "Auto-pick velocities (U-Net)")
        handle.finished.connect(finished)
        handle.failed.connect(lambda exc: self._failed("Auto-pick with the model failed", exc)
                              if handle is self.job else None)
        self.job = handle
        return handle

    def write_all(self, target: VelocityFunctions, result: dict[int, Any],
                  provenance: str) -> int:
        """Write the job's knots as one step; CMPs with manual/corrected picks stay."""
        if target not in self.window.picks.objects():
            self.error("The velocity object changed while the job ran: nothing was written.")
            return 0
        if not result:
            self.error("The model found nothing to pick on any CMP.")
            return 0
        edited = {cdp for cdp, f in target.functions.items()
                  if any(p in (MANUAL, CORRECTED) for p in f.provenance)}
        todo = {cdp: tv for cdp, tv in result.items() if cdp not in edited}
        h = self.window.history
        if todo:
            with h.transaction(f"Auto-pick velocities with model ({len(todo)} CMPs)"):
                for cdp, (t, v) in sorted(todo.items()):
                    target.set_function(h, cdp, np.asarray(t), np.asarray(v), provenance)
        kept = len(set(result) & edited)
        text = f"Model velocities on {len(todo)} CMPs"
        if kept:
            text += f"; {kept} CMPs with hand-edited picks kept"
        self.window.statusBar().showMessage(text, 5000)
        if self.ctrl.is_open:
            self.ctrl.panel.refresh_function()
        return len(todo)
