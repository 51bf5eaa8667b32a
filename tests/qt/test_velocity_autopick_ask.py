"""The panel's semblance Auto-pick CMP on a CDP with hand picks asks first, like Model picks:
replace them, add beside them, or cancel; without hand picks it asks nothing."""

import tests.qt.test_velocity_panel as panel_tests

cmp_file, panel = panel_tests.cmp_file, panel_tests.panel  # shared fixtures


def _hand_pick(window, panel):
    panel.semblance_view.click_data(2500.0, 150.0)
    assert list(panel.functions.function(panel.cdp).provenance) == ["manual"]
    return len(window.history.labels)


def test_auto_pick_with_hand_picks_asks_and_cancel_changes_nothing(window, panel):
    steps = _hand_pick(window, panel)
    asked = []
    panel.ask_hand_picks = lambda cdp, n: asked.append((cdp, n)) or "cancel"
    assert panel.auto_pick_cmp() == []
    assert asked == [(panel.cdp, 1)]
    assert len(window.history.labels) == steps
    assert list(panel.functions.function(panel.cdp).provenance) == ["manual"]


def test_auto_pick_beside_hand_picks_keeps_them_in_one_step(window, panel):
    steps = _hand_pick(window, panel)
    panel.ask_hand_picks = lambda cdp, n: "beside"
    panel.auto_pick_cmp()
    f = panel.functions.function(panel.cdp)
    assert "manual" in f.provenance and "model:semblance@1" in f.provenance
    assert len(window.history.labels) == steps + 1
    window.history.undo()
    assert list(panel.functions.function(panel.cdp).provenance) == ["manual"]


def test_auto_pick_replacing_hand_picks_when_told(window, panel):
    _hand_pick(window, panel)
    panel.ask_hand_picks = lambda cdp, n: "replace"
    panel.auto_pick_cmp()
    f = panel.functions.function(panel.cdp)
    assert len(f) > 1 and set(f.provenance) == {"model:semblance@1"}


def test_auto_pick_without_hand_picks_asks_nothing(panel):
    panel.ask_hand_picks = lambda cdp, n: (_ for _ in ()).throw(AssertionError("asked"))
    panel.auto_pick_cmp()
    assert len(panel.functions.function(panel.cdp)) > 1
