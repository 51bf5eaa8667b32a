"""Before an automatic picker writes a CDP: its hand picks are counted and the interpreter is
asked whether they are replaced, kept beside the new knots, or nothing is done."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from geodesk.core.picks import CORRECTED, MANUAL, VelocityFunctions


def hand_pick_count(functions: VelocityFunctions, cdp: int) -> int:
    """Knots of ``cdp`` made or corrected by hand."""
    f = functions.functions.get(cdp)
    return sum(p in (MANUAL, CORRECTED) for p in f.provenance) if f is not None else 0


def ask_replace_or_beside(parent: QWidget | None, title: str, picker: str, cdp: int,
                          n_hand: int) -> str:
    """"replace", "beside" (hand picks kept) or "cancel", asked in a question box."""
    box = QMessageBox(QMessageBox.Icon.Question, title,
                      f"CDP {cdp} has {n_hand} pick(s) made by hand.\n"
                      f"Replace them with the {picker}'s picks, or add the {picker}'s picks "
                      "beside them (hand picks kept)?", parent=parent)
    beside = box.addButton("Add beside", QMessageBox.ButtonRole.AcceptRole)
    replace = box.addButton("Replace", QMessageBox.ButtonRole.DestructiveRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(beside)
    box.exec()
    return {id(beside): "beside", id(replace): "replace"}.get(id(box.clickedButton()), "cancel")
