"""File dialogs start in the folder of the last file or project opened, else at home."""

from pathlib import Path

from PySide6.QtWidgets import QFileDialog

from geodesk.qt import settings as app_settings


def _starts(monkeypatch, name: str) -> list[str]:
    seen: list[str] = []

    def dialog(parent, title, start, *a, **k):
        seen.append(start)
        return "" if name == "getExistingDirectory" else ("", "")

    monkeypatch.setattr(QFileDialog, name, dialog)
    return seen


def test_open_dialogs_start_at_home_then_in_the_last_folder(window, settings, tmp_path,
                                                           monkeypatch):
    starts = _starts(monkeypatch, "getOpenFileName")
    window.open_dialog()
    folder = tmp_path / "surveys"
    folder.mkdir()
    app_settings.add_recent_file(settings, folder / "f3.sgy")
    window.open_dialog()
    window.open_with_bytes_dialog()
    assert starts == [str(Path.home()), str(folder.resolve()), str(folder.resolve())]


def test_project_dialogs_start_where_the_last_project_lies(window, settings, tmp_path,
                                                          monkeypatch):
    opens = _starts(monkeypatch, "getExistingDirectory")
    saves = _starts(monkeypatch, "getSaveFileName")
    app_settings.add_recent_project(settings, tmp_path / "work" / "a.geodesk")
    (tmp_path / "work").mkdir()
    window.project_controller.get_open_path()
    window.project_controller.get_save_path("Save project")
    assert opens == saves == [str((tmp_path / "work").resolve())]


def test_a_folder_that_was_removed_falls_back_to_home(settings, tmp_path):
    app_settings.add_recent_file(settings, tmp_path / "old" / "x.sgy")  # folder never made
    assert app_settings.start_folder(settings) == str(Path.home())


def test_the_picks_exchange_dialog_starts_in_the_last_folder(window, settings, tmp_path):
    assert window.exchange.make_dialog("export").start_dir == str(Path.home())
    app_settings.add_recent_file(settings, tmp_path / "f3.sgy")
    assert window.exchange.make_dialog("import").start_dir == str(tmp_path.resolve())
