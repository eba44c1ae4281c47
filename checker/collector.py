"""Keeping Python's cycle collector off a big run's data.

The collector runs every few hundred new objects, and every so often rescans everything
alive. A 10,000-article run holds millions of objects (sentences, claims, a million
recurrences) that live until the run ends and hold no cycles, so those rescans are waste:
on the benchmark corpus they cost the rules a fifth of their time, and building the
recurrences half of theirs.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """No collection inside the block: for making many objects at once.

    What the block made and kept is then moved to the oldest generation, where a
    collection would have put it after three scans; so the first collection after the
    block does not scan it all either (0.16 s after a 10,000-article run). Cycles
    among those objects are still found, by the next full collection.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if not gc.get_freeze_count():  # a program's own frozen objects stay frozen
                gc.freeze()
                gc.unfreeze()
            gc.enable()


@contextmanager
def frozen() -> Iterator[None]:
    """Collections inside the block look only at objects made inside it.

    ``gc.freeze`` sets everything alive aside until ``gc.unfreeze``; done only when
    nothing is frozen already, so a program's own use of ``gc.freeze`` is left alone.
    """
    if not gc.isenabled() or gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
