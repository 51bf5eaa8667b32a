"""Live mode's debounce: quiet period, never during a run, nothing when the labels are those
of the last run (the run's own written picks), again after a change."""

from geodesk.core.live_update import LiveUpdate, labels_digest


class _Label:
    def __init__(self, key, superseded=False):
        self.key, self.superseded = key, superseded


def test_retrains_only_after_a_quiet_period_and_not_while_running():
    live = LiveUpdate(delay_s=10)
    live.changed(0.0)
    assert not live.due(5.0, running=False)  # off: changes are not even seen
    live.set_enabled(True, 0.0)
    live.changed(3.0)
    assert not live.due(12.0, running=False)  # 9 s after the last change
    assert live.due(13.0, running=False)
    assert not live.due(30.0, running=True)  # a run is going: wait for it


def test_the_same_labels_start_nothing_and_new_ones_start_a_run():
    live = LiveUpdate(delay_s=1)
    live.set_enabled(True, 0.0)
    a = labels_digest([_Label("x"), _Label("y")])
    assert live.due(2.0, running=False) and live.should_start(a)
    live.changed(3.0)  # the run wrote its model picks back: the labels are the same
    assert live.due(5.0, running=False) and not live.should_start(labels_digest(
        [_Label("y"), _Label("x"), _Label("old", superseded=True)]))
    assert not live.due(9.0, running=False)  # the change was consumed
    live.changed(10.0)
    assert live.due(12.0, running=False) and live.should_start(labels_digest([_Label("z")]))


def test_a_failed_run_lets_the_same_labels_start_again():
    live = LiveUpdate(delay_s=1)
    live.set_enabled(True, 0.0)
    d = labels_digest([_Label("x")])
    assert live.should_start(d)
    live.forget()
    live.changed(1.0)
    assert live.due(2.5, running=False) and live.should_start(d)
    live.set_enabled(False, 3.0)
    live.changed(4.0)
    assert not live.due(10.0, running=False)
