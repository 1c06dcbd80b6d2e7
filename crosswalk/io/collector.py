"""Python's cyclic garbage collector, paused while many acyclic objects are built.

Reading a large YAML document and building a gap report both create objects by the hundred
thousand, none in a reference cycle; each counts toward the collector's next pass, whose
older generations walk everything alive (a knowledge base of millions of objects). Paused,
a large inventory loads about 4× faster and a gap report at 10k clauses a third faster.
Reference counting still frees what is dropped.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

__all__ = ["collector_paused"]


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Disable the cyclic collector for the block; restore its previous state after it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
