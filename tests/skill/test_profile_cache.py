"""The worker's profile cache is bounded by the sessions it holds, not only by its users
(#16 point 6): a few long histories cannot fill a worker's memory."""

from __future__ import annotations

from datetime import date, timedelta

from shared.profile import Profile, SessionRecord
from shared.storage import Snapshot
from skill.persistence import CACHE_TTL_SECONDS, ProfileCache

DAY = date(2026, 3, 1)


def _snapshot(sessions: int) -> Snapshot:
    records = tuple(
        SessionRecord(day=DAY - timedelta(days=n), area="neck", stretches=("chin_tuck",))
        for n in range(sessions)
    )
    return Snapshot(Profile(sessions=records), revision=f"r{sessions}")


def test_the_least_recently_used_copies_go_when_too_many_sessions_are_held() -> None:
    cache = ProfileCache(max_users=100, max_sessions=1000)
    for user in "abc":
        cache.put(user, _snapshot(300))
    assert cache.held == (3, 903)
    assert cache.get("a") is not None  # "b" is now the least recently used
    cache.put("d", _snapshot(300))
    assert cache.get("b") is None
    assert [cache.get(user) is not None for user in "acd"] == [True, True, True]
    assert cache.held == (3, 903)


def test_the_user_bound_still_holds_and_replacing_a_copy_counts_once() -> None:
    cache = ProfileCache(max_users=2, max_sessions=10_000)
    cache.put("a", _snapshot(10))
    cache.put("a", _snapshot(20))
    assert cache.held == (1, 21)
    cache.put("b", Snapshot(None))  # a user with no profile counts one
    cache.put("c", _snapshot(5))
    assert cache.get("a") is None and cache.held == (2, 7)


def test_a_history_larger_than_the_whole_cache_is_not_kept_and_pushes_none_out() -> None:
    cache = ProfileCache(max_users=10, max_sessions=100)
    cache.put("small", _snapshot(10))
    cache.put("huge", _snapshot(500))
    assert cache.get("huge") is None and cache.held == (1, 11)
    assert cache.get("small") is not None


def test_forgetting_and_expiry_give_their_sessions_back() -> None:
    now = [0.0]
    cache = ProfileCache(lambda: now[0], max_users=10, max_sessions=1000)
    cache.put("a", _snapshot(100))
    cache.put("b", _snapshot(50))
    cache.forget("a")
    assert cache.held == (1, 51)
    now[0] = CACHE_TTL_SECONDS + 1
    assert cache.get("b") is None and cache.held == (0, 0)
