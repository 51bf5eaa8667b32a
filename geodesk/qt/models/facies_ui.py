"""Processing ▸ Facies…: unsupervised facies of the survey as a derived layer with a legend.

The dialog takes K, the features (attributes, or an autoencoder trained on this survey), the
attributes, an optional 3D horizon with the window around it, and the seed; "Elbow and
silhouette" computes both curves for K = 2..10 on a sample of the inlines (in a job) and plots
them to help choose K. The classification runs as a background job (progress, cancel) through
:func:`geodesk.ml.facies_run.classify_survey`, the CLI's code path. The result is the
"Facies" layer of the session, drawn over the section in categorical colours with one legend
row per class; along a horizon the facies map goes to the Map dock. Processing ▸ Export
facies… writes the classes as SEG-Y (and the map as CSV), never over an input.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
)

from geodesk.core.derived import DerivedLayer, like
from geodesk.core.jobs import JobContext, PartContext
from geodesk.core.maps import class_colour
from geodesk.core.processing.attributes import ATTRIBUTES
from geodesk.core.segy.reader import private_survey
from geodesk.ml.facies_run import FaciesSettings
from geodesk.qt.jobs.runner import JobHandle

LAYER = "Facies"
FEATURES = {"attributes": "Attributes (K-means)", "cae": "Autoencoder features (K-means)"}
#: Inlines sampled for the elbow / silhouette curves.
CURVE_LINES = 8


def class_rgba(classes: np.ndarray, opacity: float) -> np.ndarray:
    """RGBA (traces, samples, 4) of classes 1..K in :func:`class_colour`, clear where 0."""
    c = np.asarray(classes, dtype=np.int64)
    out = np.zeros(c.shape + (4,), dtype=np.uint8)
    for k in np.unique(c[c > 0]):
        out[c == k, :3] = class_colour(int(k))
    out[..., 3] = np.where(c > 0, round(255 * opacity), 0)
    return out


def legend_colour(k: int) -> str:
    return "#{:02x}{:02x}{:02x}".format(*class_colour(k))


class FaciesDialog(QDialog):
    """K, features, attributes, horizon and window, thin-layer thickness, seed; and the K-choosing
    curves."""

    def __init__(self, controller: FaciesController, settings: FaciesSettings) -> None:
        super().__init__(controller.window)
        self.controller = controller
        self.setWindowTitle("Facies")
        form = QFormLayout()
        self.k = QSpinBox()
        self.k.setRange(2, 16)
        self.k.setValue(settings.n_clusters)
        form.addRow("Classes (K):", self.k)
        self.features = QComboBox()
        for key, label in FEATURES.items():
            self.features.addItem(label, key)
        self.features.setCurrentIndex(list(FEATURES).index(settings.features))
        form.addRow("Features:", self.features)
        self.attributes = QLineEdit(",".join(settings.attributes))
        self.attributes.setToolTip(", ".join(ATTRIBUTES))
        form.addRow("Attributes:", self.attributes)
        self.horizon = QComboBox()
        self.horizon.addItem("(every sample)", None)
        for name in controller.horizons():
            self.horizon.addItem(name, name)
        form.addRow("Along horizon:", self.horizon)
        self.window_ms = QDoubleSpinBox()
        self.window_ms.setRange(4.0, 1000.0)
        self.window_ms.setValue(settings.horizon_window_ms or 40.0)
        self.window_ms.setSuffix(" ms")
        form.addRow("Window around it:", self.window_ms)
        self.thin_layer_ms = QDoubleSpinBox()
        self.thin_layer_ms.setRange(0.0, 2000.0)
        self.thin_layer_ms.setDecimals(0)
        self.thin_layer_ms.setValue(settings.thin_layer_ms)
        self.thin_layer_ms.setSuffix(" ms")
        self.thin_layer_ms.setSpecialValueText("off (keep thin layers)")
        self.thin_layer_ms.setToolTip("Layers thinner than this, with one class above and below, "
                                      "are taken into that class (per sample only; 0 keeps them: "
                                      "a real thin unit would otherwise be lost)")
        form.addRow("Take in layers under:", self.thin_layer_ms)
        self.seed = QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        self.seed.setValue(settings.seed)
        form.addRow("Seed:", self.seed)
        self.curves_button = QPushButton("Elbow and silhouette…")
        self.curves_button.clicked.connect(self.show_curves)
        self.plot = pg.PlotWidget(background="w")
        self.plot.setMinimumHeight(160)
        self.plot.setLabel("bottom", "K")
        self.plot.addLegend(offset=(-5, 5))
        self.plot.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.curves_button)
        layout.addWidget(self.plot)
        layout.addWidget(buttons)
        self.curves_job: JobHandle | None = None

    def settings(self) -> tuple[FaciesSettings, str | None]:
        names = tuple(a.strip() for a in self.attributes.text().split(",") if a.strip())
        horizon = self.horizon.currentData()
        return FaciesSettings(n_clusters=self.k.value(), features=self.features.currentData(),
                              attributes=names, seed=self.seed.value(),
                              thin_layer_ms=self.thin_layer_ms.value(),
                              horizon_window_ms=self.window_ms.value() if horizon else None
                              ), horizon

    def show_curves(self) -> JobHandle | None:
        """Elbow (inertia per sample) and silhouette for K = 2..10, computed in a job."""
        settings, _ = self.settings()
        self.curves_job = self.controller.curves(settings)
        if self.curves_job is not None:
            self.curves_job.finished.connect(self.draw_curves)
        return self.curves_job

    def draw_curves(self, curves: dict) -> None:
        self.plot.show()
        self.plot.clear()
        k = np.asarray(curves["k"], dtype=float)
        inertia = np.asarray(curves["inertia"], dtype=float)
        scaled = inertia / max(float(inertia.max()), 1e-12)
        self.plot.plot(k, scaled, pen=pg.mkPen("#1f77b4", width=2), symbol="o",
                       name="elbow: inertia (scaled)")
        self.plot.plot(k, curves["silhouette"], pen=pg.mkPen("#d62728", width=2), symbol="s",
                       name="silhouette")
        self.curves = curves


class FaciesController:
    """The Facies menu entries, the job, the layer and its drawing in one window."""

    def __init__(self, session: Any, window: Any) -> None:
        self.session, self.window = session, window
        self.settings = FaciesSettings()
        self.result: Any = None
        self.horizon_name: str | None = None
        self.job: JobHandle | None = None
        self.item = pg.ImageItem(axisOrder="row-major")
        self._legend: pg.LegendItem | None = None
        self.layer = session.layers.add(DerivedLayer(LAYER, self._layer_view, placement="over",
                                                     opacity=0.6, visible=False))
        session.layers.connect(lambda name: name == LAYER and self.draw())
        menu = window.menu("&Processing")
        menu.addSeparator()
        self.action = menu.addAction("&Facies (K-means)…", self.dialog)
        self.export_action = menu.addAction("E&xport facies…", self.ask_export)
        self.export_action.setEnabled(False)
        window.sig_section_changed.connect(lambda _s: self.draw())
        window.sig_survey_changed.connect(lambda _s: self.clear())
        window.sig_survey_changed.connect(self._enable)
        self._enable(window.survey)

    def _enable(self, survey: Any) -> None:
        """Facies run on post-stack data: the entry is greyed out on a pre-stack file."""
        ok = survey is None or survey.kind != "prestack"
        self.action.setEnabled(ok)
        self.action.setToolTip("" if ok else "Facies need a post-stack volume or line")

    # -- running --------------------------------------------------------------------------------
    def error(self, text: str) -> None:  # tests replace it
        QMessageBox.warning(self.window, "Facies", text)

    def horizons(self) -> list[str]:
        picks = getattr(self.window, "picks", None)
        return [n for n, h in (picks.horizons.items() if picks is not None else [])
                if h.geometry == "3d"]

    def ask(self, dialog: FaciesDialog) -> bool:  # tests replace it
        return dialog.exec() == QDialog.DialogCode.Accepted

    def dialog(self) -> JobHandle | None:
        """Ask for the settings and run the facies job."""
        survey = self.window.survey
        if survey is None or survey.kind == "prestack":
            self.error("Facies need a post-stack volume or line: open one first.")
            return None
        dlg = FaciesDialog(self, self.settings)
        self.last_dialog = dlg
        if not self.ask(dlg):
            return None
        settings, horizon = dlg.settings()
        return self.run(settings, horizon)

    def run(self, settings: FaciesSettings, horizon: str | None = None) -> JobHandle | None:
        """Classify the survey in a background job (latest wins) and show the layer."""
        from geodesk.ml.facies import FaciesError

        try:
            settings.check()
        except FaciesError as exc:
            self.error(str(exc))
            return None
        survey = self.window.survey
        h = self.window.picks.horizons[horizon].times.copy() if horizon else None
        if self.job is not None and self.job.running:
            self.job.cancel()
        self.settings, self.horizon_name = settings, horizon

        def job(ctx: JobContext):
            from geodesk.ml.facies_run import classify_survey

            with private_survey(survey) as s:
                featurizer = names = None
                if settings.features == "cae":
                    from geodesk.ml.facies_cae import fit_cae_features

                    feats = fit_cae_features(s, settings, PartContext(ctx, 0, 2, "autoencoder"))
                    featurizer, names = feats.features, feats.names
                    ctx = PartContext(ctx, 1, 2, "facies")
                return classify_survey(s, settings, ctx, horizon_ms=h, featurizer=featurizer,
                                       feature_names=names)

        self.job = self.window.runner.submit(job, "Facies")
        self.job.finished.connect(self._show)
        self.job.failed.connect(lambda exc: self.error(f"Facies failed: {exc}"))
        return self.job

    def curves(self, settings: FaciesSettings) -> JobHandle | None:
        """Elbow and silhouette curves on the features of a few inlines, in a job."""
        survey = self.window.survey
        if survey is None or survey.kind == "prestack":
            return None

        def job(ctx: JobContext) -> dict:
            from geodesk.ml.facies import k_curves
            from geodesk.ml.facies_run import SurveyBlocks, attribute_featurizer, smoothed

            with private_survey(survey) as s:
                blocks = SurveyBlocks(s)
                feat = smoothed(attribute_featurizer(settings), settings)
                rows = np.unique(np.linspace(0, blocks.n_lines - 1,
                                             min(CURVE_LINES, blocks.n_lines)).astype(int))
                parts = []
                for k, i in enumerate(rows):
                    f = feat(blocks.read(int(i), int(i) + 1), blocks.dt_ms)[0]
                    parts.append(f[blocks.live[int(i)]].reshape(-1, f.shape[-1]))
                    ctx.progress((k + 1) / (len(rows) + 1), "features")
            return k_curves(np.concatenate(parts), range(2, 11), seed=settings.seed,
                            sample=10000, silhouette_sample=2000)

        return self.window.runner.submit(job, "Facies: elbow and silhouette")

    def _show(self, result: Any) -> None:
        self.result = result
        for m in result.messages:
            self.window.statusBar().showMessage(f"Facies: {m}", 8000)
        self.session.layers.update(LAYER, visible=True)
        self.export_action.setEnabled(True)
        if result.horizon:
            self._send_map(result)
        self.draw()

    def _send_map(self, result: Any) -> None:
        """The facies map along the horizon, to the Map dock (when the window has one)."""
        maps = getattr(self.window, "features", {}).get("maps")
        survey = self.window.survey
        if maps is None or survey is None or survey.kind != "post3d":
            return
        from geodesk.core.maps import MapGrid

        values = np.where(result.classes > 0, result.classes, np.nan)
        maps.add_map(MapGrid(f"Facies along {self.horizon_name}", values, survey.inlines,
                             survey.crosslines, categorical=True,
                             categories={k: f"facies {k}"
                                         for k in range(1, result.n_clusters + 1)}))

    def clear(self) -> None:
        if self.job is not None and self.job.running:
            self.job.cancel()
        self.result = None
        self.export_action.setEnabled(False)
        if self.layer.visible:
            self.session.layers.update(LAYER, visible=False)
        self.draw()

    # -- the layer ------------------------------------------------------------------------------
    def classes_of(self, section: Any) -> np.ndarray | None:
        """Classes (traces, samples) of ``section`` once computed, else None."""
        if self.result is None or section is None:
            return None
        from geodesk.ml.facies_run import section_classes

        nav = self.window.navigator
        c = section_classes(self.result, self.window.survey, section.kind, nav.value)
        return c if c is not None and c.shape == section.data.shape else None

    def _layer_view(self, section: Any) -> tuple[Any, None] | None:
        c = self.classes_of(section)
        if c is None:
            return None
        return like(section, c.astype(np.float32), f"{section.title} — facies"), None

    def legend_entries(self) -> list[tuple[str, str]]:
        if self.result is None or not self.layer.visible:
            return []
        return [(f"facies {k}", legend_colour(k)) for k in range(1, self.result.n_clusters + 1)]

    def draw(self) -> None:
        view = self.window.view
        c = self.classes_of(self.window.section) if self.layer.visible else None
        if c is None or self.layer.placement != "over":
            if self.item.scene() is not None:
                view.remove_overlay(self.item)
            self._set_legend([])
            return
        if self.item.scene() is None:
            view.add_overlay(self.item, z=6)
        rgba = class_rgba(c, self.layer.opacity)
        self.item.setImage(np.ascontiguousarray(rgba.transpose(1, 0, 2)), levels=None)
        self.item.setRect(view.image_rect())
        self._set_legend(self.legend_entries())

    def _set_legend(self, rows: list[tuple[str, str]]) -> None:
        view = self.window.view
        if hasattr(view, "set_legend"):  # the view's overlay legend, where it has one
            from geodesk.qt.views.colour_bars import LegendEntry

            view.set_legend(LAYER, [LegendEntry(label, colour, "patch")
                                    for label, colour in rows])
            return
        if self._legend is None:
            self._legend = pg.LegendItem(offset=(-8, 8), labelTextColor="k",
                                         brush=pg.mkBrush(255, 255, 255, 210))
            self._legend.setParentItem(view.view_box)
        self._legend.clear()
        for label, colour in rows:
            self._legend.addItem(pg.BarGraphItem(x=[0], height=[1], width=1,
                                                 brush=pg.mkBrush(colour)), label)
        self._legend.setVisible(bool(rows))

    # -- export ---------------------------------------------------------------------------------
    def ask_export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self.window, "Export facies as SEG-Y", "",
                                              "SEG-Y (*.sgy *.segy)")
        if not path:
            return
        csv = None
        if self.result is not None and self.result.horizon:
            csv, _ = QFileDialog.getSaveFileName(self.window, "Export the facies map as CSV",
                                                 "", "CSV (*.csv)")
        self.export(path, csv or None)

    def export(self, segy_path: str, map_csv: str | None = None) -> bool:
        """Write the classes as SEG-Y (input headers) and the map as CSV; refuses an output
        that is an input or lies in a project folder."""
        from geodesk.core.exchange.facies_io import write_facies_map_csv, write_facies_segy
        from geodesk.core.safety import OutputRefused, check_output

        survey = self.window.survey
        if self.result is None or survey is None:
            self.error("Run Processing ▸ Facies first.")
            return False
        try:
            check_output(segy_path, "segy", [str(survey.path)], force=True)
            if map_csv:
                check_output(map_csv, "text", [str(survey.path)], force=True)
            with private_survey(survey) as s:
                write_facies_segy(s, segy_path, self.result.trace_classes())
                if map_csv and self.result.horizon:
                    gx, gy = s.grid_xy()
                    write_facies_map_csv(map_csv, s.inlines, s.crosslines, self.result.classes,
                                         gx, gy)
        except (OutputRefused, OSError, ValueError) as exc:
            self.error(f"Facies export failed: {str(exc).splitlines()[0]}")
            return False
        self.window.statusBar().showMessage(f"Facies written to {segy_path}", 5000)
        return True


def install(session: Any, window: Any) -> FaciesController:
    """Add Processing ▸ Facies… to ``window``."""
    return FaciesController(session, window)
