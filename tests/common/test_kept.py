import threading
import time

from django.core.cache import cache

from common import kept as kept_module
from common.kept import kept, kept_key


def test_a_value_is_built_once_while_its_key_holds_and_anew_under_a_new_key():
    built = []

    def build():
        built.append(1)
        return f"page {len(built)}"

    assert kept("test:page", ("vi", "version 1"), build, 30) == "page 1"
    assert kept("test:page", ("vi", "version 1"), build, 30) == "page 1"
    assert kept("test:page", ("vi", "version 2"), build, 30) == "page 2"  # a change names a new key
    assert kept("test:page", ("en", "version 2"), build, 30) == "page 3"


def test_what_keep_refuses_is_built_every_time():
    built = []

    def build():
        built.append(1)
        return 404

    assert kept("test:refused", (), build, 30, keep=lambda status: status == 200) == 404
    kept("test:refused", (), build, 30, keep=lambda status: status == 200)
    assert len(built) == 2


def test_the_key_has_a_bounded_length_whatever_the_parts():
    assert len(kept_key("p", ("x" * 100_000, 1))) == len(kept_key("p", ()))


def test_a_value_another_process_is_building_is_waited_for_not_built_again():
    key = kept_key("test:busy", ("vi",))
    assert cache.add(f"{key}:building", 1, 10)  # another process started building it
    threading.Timer(0.05, lambda: cache.set(key, "their page", 30)).start()
    built = []

    assert kept("test:busy", ("vi",), lambda: built.append(1) or "my page", 30) == "their page"
    assert built == []
    cache.delete(f"{key}:building")


def test_a_builder_that_gave_up_or_died_does_not_hold_the_others_back(monkeypatch):
    # Gave up: its mark is gone without a value (its page was refused): the reader builds at once.
    key = kept_key("test:gave-up", ())
    cache.add(f"{key}:building", 1, 10)
    threading.Timer(0.03, lambda: cache.delete(f"{key}:building")).start()
    started = time.monotonic()
    assert kept("test:gave-up", (), lambda: "built here", 30) == "built here"
    assert time.monotonic() - started < kept_module.WAIT_FOR_BUILDER_SECONDS

    # Died: its mark stays (until BUILDING_MARK_SECONDS): the reader waits a bounded time, then builds.
    monkeypatch.setattr(kept_module, "WAIT_FOR_BUILDER_SECONDS", 0.1)
    key = kept_key("test:died", ())
    cache.add(f"{key}:building", 1, 10)
    assert kept("test:died", (), lambda: "built here", 30) == "built here"
    assert cache.get(f"{key}:building") == 1  # not ours to remove
    assert cache.get(key) == "built here"


def test_concurrent_readers_of_a_missing_value_build_it_once():
    built = []
    results = []

    def slow_build():
        built.append(1)
        threading.Event().wait(0.1)
        return "page"

    readers = [
        threading.Thread(target=lambda: results.append(kept("test:crowd", ("v1",), slow_build, 30)))
        for _ in range(6)
    ]
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join()
    assert results == ["page"] * 6 and len(built) == 1
