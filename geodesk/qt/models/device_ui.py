"""Device notices in the window: a GPU that fails (or a CUDA request that cannot be met) moves
the work to the CPU with a message in the status bar, never a crash or a silent slowdown.

The notice comes from the job's thread (:func:`geodesk.ml.run.device.device_notice`); a Qt signal
carries it to the GUI thread.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal


class DeviceNotices(QObject):
    """Shows every device notice of the process in ``window``'s status bar while it is open."""

    notice = Signal(str)

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        from geodesk.ml.run.device import add_notice_listener

        self.window = window
        self.shown: list[str] = []
        self.notice.connect(self._show)  # queued when emitted from a job's thread
        add_notice_listener(self.notice.emit)
        window.close_hooks.append(self.shutdown)

    def _show(self, text: str) -> None:
        self.shown.append(text)
        self.window.statusBar().showMessage(text, 15000)

    def shutdown(self) -> None:
        from geodesk.ml.run.device import remove_notice_listener

        remove_notice_listener(self.notice.emit)


def model_loaded_message(window: Any, label: str, model: Any) -> None:
    """'<label> model <name> v<version> on CPU / GPU (…)' in the status bar."""
    from geodesk.ml.run.device import describe_device

    where = describe_device(getattr(model, "device_", "cpu"))
    window.statusBar().showMessage(
        f"{label} model {model.name} v{model.version} runs on the {where}", 8000)


def install(session: Any, window: Any) -> DeviceNotices:
    """Show GPU → CPU fallbacks and other device notices in ``window``'s status bar."""
    return DeviceNotices(window)
