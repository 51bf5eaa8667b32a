"""Denoised data as a derived volume: Original / Denoised / Difference of the section on screen.

Processing ▸ Denoise (DnCNN)… runs the denoising model (shipped, chosen, or adapted to this survey
by Processing ▸ Adapt denoiser…, :mod:`geodesk.qt.models.denoise_adapt`) on the shown section
first, then, if asked, on every other section of the same kind in the background, nearest to
the one on screen first. View ▸ Denoised data switches what the view shows; the choice follows
navigation: a section not computed yet is computed on demand (latest wins) while the original
is shown with "denoising…" in its title. Denoised and difference are drawn at the original's
clip, so the noise removed is seen at its true strength. Results are kept per section key in a
bounded cache (:mod:`geodesk.core.derived`) for this survey and model. The model file is read
by the first job that needs it (:meth:`ModelChoice.loader`), never on the GUI thread.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QLabel,
    QMessageBox,
    QVBoxLayout,
)

from geodesk.core.derived import (
    VERTICAL_MODES,
    DerivedLayer,
    SectionCache,
    SectionQueue,
    like,
    positions,
)
from geodesk.core.jobs import JobContext, PartContext
from geodesk.core.section import Section
from geodesk.core.segy.reader import private_survey
from geodesk.ml.tasks.denoise_orient import ORIENT_HALO, denoise_section, denoise_sections
from geodesk.qt.jobs.runner import JobHandle
from geodesk.qt.models.denoise_adapt import AdaptDenoiser, ok_cancel
from geodesk.qt.models.model_choice import ModelChoice
from geodesk.qt.models.show_menu import add_show_menu

SHOW_MODES = ("original", "denoised", "difference")
SHOW_LABELS = {"original": "&Original", "denoised": "&Denoised (DnCNN)",
               "difference": "D&ifference (noise removed)"}
TITLES = {"denoised": "denoised (DnCNN)", "difference": "noise removed (original − denoised)"}
NOUNS = {"inline": "inline", "crossline": "crossline", "line": "line", "gather": "gather"}


class DenoiseView:
    """Menus, model, jobs and cache of the denoised view of one main window."""

    def __init__(self, window: Any, max_bytes: int = 512 * 2**20) -> None:
        self.window = window
        self.models = ModelChoice(window, "denoise")
        self.cache = SectionCache(max_bytes)
        self.show = "original"
        self._load: Any = None  # load(ctx) of the chosen model file, for the jobs
        self.job: JobHandle | None = None  # the section on screen (latest wins)
        self.rest_job: JobHandle | None = None
        self.queue: SectionQueue | None = None
        self._token = 0  # bumped when the survey or model changes: older results are dropped
        self._survey_id: tuple | None = None
        self._shown: tuple | None = None  # (key, show, section id, derived section)
        menu = window.menu("&Processing")
        menu.addSeparator()
        menu.addAction("&Denoise (DnCNN)…", self.dialog)
        menu.addAction("Denoising mo&del…", self.choose_model)
        self.adapt = AdaptDenoiser(self)  # blind-spot fine-tuning to this survey
        menu.addAction("&Adapt denoiser to this survey…", self.adapt.start)
        self.actions: dict[str, QAction] = add_show_menu(
            window, "Denoised &data", {m: SHOW_LABELS[m] for m in SHOW_MODES}, self.set_show)
        # the denoised data (or the noise removed) is a derived layer shown instead of the data
        self.layer = window.session.layers.add(DerivedLayer("Denoised data", self._layer_view))
        window.sig_section_changed.connect(self._on_section)
        window.sig_survey_changed.connect(self._on_survey)

    # -- messages (replaced in tests) ----------------------------------------------------------
    def error(self, text: str) -> None:
        QMessageBox.warning(self.window, "Denoise", text)

    def ask_rest(self, n_rest: int, noun: str, kept: int) -> bool | None:
        """Ask whether to denoise the other sections too; None: the user cancelled."""
        dlg = QDialog(self.window)
        dlg.setWindowTitle("Denoise (DnCNN)")
        lay = QVBoxLayout(dlg)
        lay.addWidget(QLabel(f"Model: {self.models.describe()}\n\nThe {noun} on screen is "
                             "denoised first; View ▸ Denoised data switches between the "
                             "original, the denoised data and the noise removed."))
        rest = QCheckBox(f"Then denoise the other {n_rest} {noun}s in the background"
                         + (f" (the {kept} nearest are kept in memory)" if kept < n_rest else ""))
        rest.setChecked(n_rest > 0)
        rest.setEnabled(n_rest > 0)
        lay.addWidget(rest)
        lay.addWidget(ok_cancel(dlg, "Denoise"))
        try:
            return rest.isChecked() if dlg.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dlg.deleteLater()

    # -- keys and state ------------------------------------------------------------------------
    def current_key(self) -> tuple[str, float] | None:
        """(navigation mode, value) of the section on screen; None for time slices."""
        w = self.window
        if w.survey is None or w.section is None or w.navigator.mode not in VERTICAL_MODES:
            return None
        return w.navigator.mode, float(w.navigator.value)

    def _check_survey(self) -> None:
        """Results belong to one survey and sorting: forget them when the window's changed
        (the new survey's first section is shown before sig_survey_changed comes)."""
        survey = self.window.survey
        ident = None if survey is None else (str(survey.path),
                                             getattr(survey, "gather_key", None))
        if ident != self._survey_id:
            self._survey_id = ident
            self._reset()

    def _on_survey(self, survey: Any) -> None:
        self._check_survey()

    def _reset(self) -> None:
        """Forget every result (another survey, sorting or model)."""
        self._token += 1
        for h in (self.job, self.rest_job):
            if h is not None and h.running:
                h.cancel()
        self.cache.clear()
        self.queue = None
        self._shown = None

    def choose_model(self, path: str | None = None) -> bool:
        """Use another denoising model file (results of the previous one are dropped)."""
        if not self.models.choose(path):
            return False
        self._load = None
        self._reset()
        if self.show != "original":
            self.set_show(self.show)
        return True

    @property
    def model(self) -> Any:
        """The denoising model of the last result (None before the first)."""
        return self.models.model

    def _prepare(self) -> bool:
        """A model file to load in the jobs (asking for one if needed); False after a message."""
        if self._load is None:
            self._load = self.models.loader()
        return self._load is not None

    def _failed(self, what: str, exc: BaseException) -> None:
        if self.models.failed(exc):  # the file cannot be used: back to the original
            self._load = None
            self._reset()
            self.set_show("original")
        else:
            self.error(f"{what}: {exc}")

    # -- what the view shows -------------------------------------------------------------------
    def _layer_view(self, sec: Section) -> tuple[Section, Section | None] | None:
        """The layer's answer for ``sec``; None while the original is shown."""
        return None if self.show == "original" else self.display_of(sec)

    def display_of(self, sec: Section) -> tuple[Section, Section | None]:
        """The window's section filter: ``sec`` or its denoised / difference version."""
        key = self.current_key()
        if self.show == "original" or key is None:
            return sec, None
        self._check_survey()
        den = self.cache.get(key)
        if den is None or den.shape != sec.shape:
            return like(sec, sec.data, f"{sec.title} — original, denoising…"), None
        if self._shown is not None and self._shown[:3] == (key, self.show, id(sec)):
            return self._shown[3], sec
        data = den if self.show == "denoised" else sec.data - den
        out = like(sec, data, f"{sec.title} — {TITLES[self.show]}")
        self._shown = (key, self.show, id(sec), out)
        return out, sec

    def set_show(self, show: str) -> JobHandle | None:
        """Show the original, denoised or difference data of the current section (and of every
        section navigated to). Returns the job computing the current one, if it was started."""
        if show not in SHOW_MODES:
            raise ValueError(f"show must be one of {SHOW_MODES}, got {show!r}")
        if show != "original" and not self._prepare():
            show = "original"
        self.show = show
        self.actions[show].setChecked(True)
        self._redisplay()
        return self._on_section(self.window.section)

    def _redisplay(self) -> None:
        if self.window.section is not None:
            self.window.refresh_display()

    # -- computing -----------------------------------------------------------------------------
    def _on_section(self, sec: Section | None) -> JobHandle | None:
        self._check_survey()
        key = self.current_key()
        if self.show == "original" or sec is None or key is None or self._load is None:
            if self.show != "original" and sec is not None and key is None:
                self.window.statusBar().showMessage(
                    "Denoised data: shown on inlines, crosslines, 2D lines and gathers", 5000)
            return None
        if key in self.cache:
            return None
        q = self.queue
        if q is not None and q.mode == key[0] and self.rest_job is not None \
                and self.rest_job.running and q.is_pending(key[1]):
            q.focus(key[1])  # the background job takes it next
            return None
        if self.job is not None and self.job.running:
            self.job.cancel()  # latest wins
        load, token, survey = self._load, self._token, self.window.survey

        def job(ctx: JobContext) -> tuple[Any, np.ndarray]:
            model = load(ctx)
            context = int(getattr(model, "context", 0) or 0)
            if not context:
                return model, model.predict(sec, ctx=ctx)
            with private_survey(survey) as own:  # the neighbours a 2.5D model also reads
                return model, denoise_section(model, own, key[0], key[1], ctx)

        def finished(out: tuple[Any, np.ndarray]) -> None:
            self.models.delivered(out[0])
            self._store(token, key, out[1])

        handle = self.window.runner.submit(job, f"Denoise {sec.title}")
        handle.finished.connect(finished)
        handle.failed.connect(lambda exc: self._failed("The denoising model failed", exc))
        self.job = handle
        return handle

    def _store(self, token: int, key: tuple[str, float], den: np.ndarray) -> None:
        if token != self._token:
            return  # another survey or model since
        self.cache.put(key, np.asarray(den, dtype=np.float32))
        if self.queue is not None and self.queue.mode == key[0]:
            self.queue.discard(key[1])
        if key == self.current_key() and self.show != "original":
            self._redisplay()

    def dialog(self) -> JobHandle | None:
        """Processing ▸ Denoise: the section on screen now, the others in the background."""
        key = self.current_key()
        if key is None:
            self.error("Show an inline, crossline, 2D line or gather first: the denoising "
                       "model works on vertical sections.")
            return None
        if not self._prepare():
            return None
        mode = key[0]
        n_rest = len(positions(self.window.survey, mode)) - 1
        kept = self.cache.room_for(self.window.section.data.nbytes) - 1
        rest = self.ask_rest(n_rest, NOUNS[mode], kept)
        if rest is None:
            return None
        handle = self.set_show("denoised" if self.show == "original" else self.show)
        if rest and n_rest > 0:
            self.start_rest()
        return handle

    def start_rest(self) -> JobHandle | None:
        """Denoise every other section of the current kind in the background, nearest to the
        one on screen first, as many as the cache holds."""
        key, w = self.current_key(), self.window
        if key is None or not self._prepare():
            return None
        if self.rest_job is not None and self.rest_job.running:
            self.rest_job.cancel()
        mode, survey, load, token = key[0], w.survey, self._load, self._token
        done = [v for (m, v) in self.cache if m == mode]
        if self.job is not None and self.job.running:
            done.append(key[1])  # the on-demand job is computing the section on screen
        limit = self.cache.room_for(w.section.data.nbytes) - len(done)
        queue = SectionQueue(mode, positions(survey, mode), focus=key[1], done=done,
                             limit=max(limit, 0))
        self.queue = queue
        total = len(queue)

        def job(ctx: JobContext) -> int:
            n, model = 0, load(ctx)
            vals = positions(survey, mode)
            with private_survey(survey) as own:
                while (v := queue.pop()) is not None:
                    run = pending_run(queue, vals, v)  # shares an averaging slab's halo
                    text = f"Denoising {NOUNS[mode]} {v:g} ({n + 1} of {total})"
                    part = PartContext(ctx, n, total, text)
                    part.progress(0.0)
                    lo = int(np.argmin(np.abs(vals - v)))
                    for k, den in enumerate(denoise_sections(model, own, mode, lo,
                                                             lo + len(run), part)):
                        ctx.publish(((mode, run[k]), den))
                    n += len(run)
            ctx.progress(1.0, f"Denoised {n} {NOUNS[mode]}s")
            return n

        handle = w.runner.submit(job, f"Denoise all {NOUNS[mode]}s")
        handle.published.connect(lambda p: self._store(token, p[0], p[1]))
        handle.failed.connect(lambda exc: self._failed("Denoising stopped", exc))
        self.rest_job = handle
        return handle


def pending_run(queue: SectionQueue, vals: np.ndarray, first: float,
                longest: int = 2 * ORIENT_HALO) -> list[float]:
    """``first`` (just popped) and the values after it still pending in ``queue``, up to
    ``longest`` in all, taken off the queue: computed together they share one slab."""
    i = int(np.argmin(np.abs(vals - first)))
    run = [float(first)]
    for v in vals[i + 1:i + longest]:
        if not queue.is_pending(float(v)):
            break
        queue.discard(float(v))
        run.append(float(v))
    return run


def install(session: Any, window: Any) -> DenoiseView:
    """Add Processing ▸ Denoise and View ▸ Denoised data to ``window``."""
    return DenoiseView(window)
