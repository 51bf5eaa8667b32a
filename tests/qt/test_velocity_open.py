"""Opening velocity analysis (issue 14, defect 4): on a shot file it opens on a CDP with enough
fold, not a one-trace CDP; when no CDP has enough it says why; opening records no undo step
(the velocity object it makes joins the first pick's step)."""

import numpy as np

from geodesk.core.processing.fold import MIN_FOLD, fold_of
from geodesk.synth.shots import generate_shots


def test_shot_file_opens_on_a_cdp_with_enough_fold_and_records_nothing(window, tmp_path):
    window.project_controller.interactive = False
    path = generate_shots((4, 48, 300), seed=2).write(tmp_path / "shots.sgy")
    assert window.open_path(path)
    keys, sizes = fold_of(window.velocity.cmp_survey())
    assert sizes[0] < MIN_FOLD  # the first CDP of the file is at the spread's end
    panel = window.velocity.open_panel()
    assert sizes[keys == panel.cdp][0] >= MIN_FOLD and panel.gather.data.shape[0] >= MIN_FOLD
    assert len(window.history) == 0 and not window.history.is_dirty
    assert not window.picking.ui.undo_action.isEnabled()
    panel.semblance_view.click_data(2000.0, 300.0)
    assert len(window.history) == 1  # the pick, with the velocity object made for it
    window.picking.undo()
    assert panel.functions not in window.picks.objects()
    window.velocity.close_panel()


def test_without_enough_fold_anywhere_the_panel_says_why(window, tmp_path):
    window.project_controller.interactive = False
    path = generate_shots((2, 4, 200), seed=3).write(tmp_path / "few.sgy")  # 4 channels
    assert window.open_path(path)
    panel = window.velocity.open_panel()
    keys, sizes = fold_of(window.velocity.cmp_survey())
    assert sizes[keys == panel.cdp][0] == sizes.max()
    assert f"No CDP has {MIN_FOLD} traces" in panel.warning.text()
    assert np.isfinite(panel.gather.data).all()
    window.velocity.close_panel()
