"""The workstation's features, declared in one table (like the CLI's command table).

Each feature is a module with ``install(session, window)`` returning its controller; the window
installs them in this order and keeps the controllers in ``window.features[name]``. A feature
gets the Qt-free :class:`~geodesk.core.session.Session` for state and the window only for
drawing, menus (:meth:`MainWindow.menu`, in the order of :data:`MENUS`) and docks.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

#: Top-level menus in menu-bar order (features add to them; empty ones stay hidden).
MENUS = ("&File", "&Project", "&Interpretation", "&Edit", "&View", "&Pick", "&Processing",
         "&Help")


@dataclass(frozen=True)
class Feature:
    """A feature of the window: ``target`` is ``"module:function"`` of its installer."""

    name: str
    target: str
    summary: str


FEATURES: tuple[Feature, ...] = (
    Feature("project_controller", "geodesk.qt.project.project_ui:install",
            "projects: new, open, save, autosave, surveys of a project"),
    Feature("interpretation_dock", "geodesk.qt.views.interpretation_dock:install",
            "the list of pick objects, visibility, colours, the active object"),
    Feature("exchange", "geodesk.qt.project.exchange_ui:install",
            "import and export of picks (CSV, XYZ, SEG-Y headers)"),
    Feature("autopick", "geodesk.qt.models.autopick_ui:install",
            "first-break auto-picking of a gather or the survey"),
    Feature("picking", "geodesk.qt.picking:install",
            "picking tools, toolbar, Edit (undo/redo) and Pick menus, overlays"),
    Feature("volume_cache", "geodesk.qt.project.cache_ui:install",
            "background HDF5 cache for fast time slices"),
    Feature("velocity", "geodesk.qt.velocity:install",
            "velocity analysis: semblance panel, picks, NMO, velocity models"),
    Feature("fault_overlay", "geodesk.qt.models.fault_overlay:install",
            "fault probability of the U-Net drawn over sections"),
    Feature("device_notices", "geodesk.qt.models.device_ui:install",
            "GPU to CPU fallbacks in the status bar"),
    Feature("denoise", "geodesk.qt.models.denoise_view:install",
            "denoised data and the noise removed, as a derived layer"),
    Feature("ddtf", "geodesk.qt.models.ddtf_view:install",
            "DDTF: tight frame learned from the survey, denoise / fill dead traces as a "
            "derived layer, atoms viewer"),
    Feature("layers", "geodesk.qt.views.layers_ui:install",
            "View > Derived layers: where each layer is shown, opacity, views beside"),
    Feature("review", "geodesk.qt.models.review_ui:install",
            "review queue: Next most uncertain (Ctrl+U), uncertainty halo on first breaks"),
    Feature("labels", "geodesk.qt.models.labels_panel:install",
            "the Labels dock (corrections as training labels), Confirm gather, fully interpreted"),
    Feature("update_model", "geodesk.qt.models.update_model:install",
            "Pick > Update first-break model: fine-tune on the labels, new version, re-pick"),
    Feature("update_task", "geodesk.qt.models.update_task:install",
            "Pick > Update model (task on screen: faults, velocities), live updates, model "
            "history (saved, switch back)"),
    Feature("maps", "geodesk.qt.views.map_ui:install",
            "the Map dock: horizon time structure, amplitude, any inline x crossline map, "
            "contours, the line on screen, click to jump"),
    Feature("facies", "geodesk.qt.models.facies_ui:install",
            "Processing > Facies: K-means on attributes or autoencoder features as a layer "
            "with a legend, facies map along a horizon, SEG-Y / CSV export"),
    Feature("desktop", "geodesk.qt.desktop:install",
            "welcome page (Open / Project / Demo, recent files) until a survey; ask before "
            "quitting during a job"),
    Feature("section_display", "geodesk.qt.views.display_ui:install",
            "View > Clip by value, Smooth density, Intersection marks of the other directions"),
)


def installer(feature: Feature):
    module, func = feature.target.split(":")
    return getattr(importlib.import_module(module), func)


def install_features(session: Any, window: Any,
                     features: tuple[Feature, ...] = FEATURES) -> dict[str, Any]:
    """Install ``features`` in order; returns (and fills) ``window.features``."""
    for feature in features:
        window.features[feature.name] = installer(feature)(session, window)
    return window.features
