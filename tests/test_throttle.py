"""The throttle's spacing, with a fake clock."""

import threading

from ac_notebook._throttle import Throttle


class FakeClock:
    def __init__(self):
        self.now = 100.0
        self.lock = threading.Lock()

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        with self.lock:
            self.now += seconds


def test_spaces_requests_at_rate():
    clock = FakeClock()
    throttle = Throttle(5.0, clock=clock, sleep=clock.sleep)
    waits = [throttle.acquire() for _ in range(5)]
    assert waits[0] == 0
    assert [round(w, 6) for w in waits[1:]] == [0.2, 0.2, 0.2, 0.2]
    assert round(clock.now, 6) == 100.8


def test_off_when_rate_is_none():
    clock = FakeClock()
    throttle = Throttle(None, clock=clock, sleep=clock.sleep)
    assert [throttle.acquire() for _ in range(10)] == [0.0] * 10


def test_pause_pushes_next_slot():
    clock = FakeClock()
    throttle = Throttle(5.0, clock=clock, sleep=clock.sleep)
    throttle.acquire()
    throttle.pause(2.0)
    assert throttle.acquire() == 2.0
    assert throttle.state()["pauses"] == 1


def test_rejects_non_positive_rate():
    import pytest

    with pytest.raises(ValueError):
        Throttle(0)
