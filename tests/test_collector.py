"""The cycle collector is kept off a run's data, and nothing it should find is lost."""

from __future__ import annotations

import gc
import weakref

from checker import collector


class _Node:
    def __init__(self) -> None:
        self.other: _Node | None = None


def test_paused_moves_what_it_made_to_the_oldest_generation_and_cycles_are_still_found() -> None:
    kept = [[n] for n in range(10_000)]
    with collector.paused():
        assert not gc.isenabled()
        made = [[n] for n in range(10_000)]
        a, b = _Node(), _Node()
        a.other, b.other = b, a  # a cycle, left behind
        gone = weakref.ref(a)
        del a, b
    assert gc.isenabled()
    # The young generations are empty: the next collection scans none of the 10,000 lists.
    assert gc.get_count()[0] < 100
    oldest = {id(o) for o in gc.get_objects(generation=2)}
    assert all(id(x) in oldest for x in made[::500])
    assert gone() is not None
    gc.collect()
    assert gone() is None  # the full collection still finds the cycle
    assert len(kept) == len(made)


def test_paused_leaves_a_programs_frozen_objects_frozen() -> None:
    gc.freeze()
    try:
        frozen_before = gc.get_freeze_count()
        with collector.paused():
            made = [[n] for n in range(1_000)]
        # Not frozen again nor unfrozen (that would give 0); the count may still fall by a
        # few when frozen objects lose their last reference meanwhile (seen on a fresh
        # clone's full suite: 622,343 -> 622,341).
        assert frozen_before - 100 <= gc.get_freeze_count() <= frozen_before and gc.isenabled() and made
    finally:
        gc.unfreeze()


def test_a_nested_pause_ends_with_the_outer_one() -> None:
    with collector.paused():
        with collector.paused():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()
