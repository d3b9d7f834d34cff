"""queue_each: one task per id; an id the broker refuses is logged and skipped, never raised."""

from kombu.exceptions import OperationalError

from common.tasks import queue_each


class FlakyTask:
    name = "tests.flaky"

    def __init__(self, refused):
        self.refused = set(refused)
        self.queued = []

    def apply_async(self, args, countdown=None):
        if args[0] in self.refused:
            raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
        self.queued.append((args, countdown))


def test_each_id_is_queued_once_with_the_countdown():
    task = FlakyTask(refused=[])
    assert queue_each(task, [3, 1, 2], countdown=30) == 3
    assert task.queued == [((3,), 30), ((1,), 30), ((2,), 30)]


def test_a_refused_id_is_logged_and_the_others_are_still_queued(caplog):
    task = FlakyTask(refused=[2])
    assert queue_each(task, [1, 2, 3]) == 2
    assert [args for args, _countdown in task.queued] == [(1,), (3,)]
    assert "Could not queue tests.flaky(2)" in caplog.text
