"""Model picks on a CDP with hand picks asks first: replace them, add beside them, or cancel."""

import tests.qt.test_velocity_model_ui as model_ui_tests

cmp_file, model_file, picker = (model_ui_tests.cmp_file, model_ui_tests.model_file,
                                model_ui_tests.picker)  # shared fixtures


def _hand_pick(window, panel):
    panel.semblance_view.click_data(2500.0, 150.0)
    assert list(panel.functions.function(panel.cdp).provenance) == ["manual"]
    return len(window.history.labels)


def test_model_picks_with_hand_picks_present_asks_and_cancel_changes_nothing(window, picker):
    mp, panel = picker
    steps = _hand_pick(window, panel)
    asked = []
    mp.ask_hand_picks = lambda cdp, n: asked.append((cdp, n)) or "cancel"
    assert mp.pick_cmp() is None
    assert asked == [(panel.cdp, 1)]
    assert len(window.history.labels) == steps and mp.cmp_job is None
    assert list(panel.functions.function(panel.cdp).provenance) == ["manual"]


def test_model_picks_beside_hand_picks_keep_them(qtbot, window, picker):
    mp, panel = picker
    _hand_pick(window, panel)
    mp.ask_hand_picks = lambda cdp, n: "beside"
    model_ui_tests._wait(qtbot, mp.pick_cmp())
    assert mp.errors == []
    f = panel.functions.function(panel.cdp)
    assert "manual" in f.provenance and any(p.startswith("model:") for p in f.provenance)
    assert window.history.undo_label == f"Add model velocity picks CDP {panel.cdp}"


def test_model_picks_replacing_hand_picks_when_told(qtbot, window, picker):
    mp, panel = picker
    _hand_pick(window, panel)
    mp.ask_hand_picks = lambda cdp, n: "replace"
    model_ui_tests._wait(qtbot, mp.pick_cmp())
    f = panel.functions.function(panel.cdp)
    assert len(f) and all(p.startswith("model:") for p in f.provenance)


def test_model_picks_on_a_cdp_without_hand_picks_ask_nothing(qtbot, window, picker):
    mp, panel = picker
    mp.ask_hand_picks = lambda cdp, n: (_ for _ in ()).throw(AssertionError("asked"))
    model_ui_tests._wait(qtbot, mp.pick_cmp())
    assert len(panel.functions.function(panel.cdp))
