"""Running a query where it can be stopped and cannot reach out: a forked child process.

Neither engine can be interrupted from Python while it evaluates: Oxigraph releases the
GIL and offers no cancellation (a signal is handled only after the Rust call returns),
and an rdflib query can run for hours. So a query runs in a child process forked from
this one — it shares the graph or store already built, copy-on-write — and the parent
waits for its answer at most ``timeout`` seconds, then kills it. Ctrl-C in the parent
kills it too.

Before the query starts, the child lowers its own limit of open files to zero. It keeps
the pipe to the parent, but can open no socket and no file: even a query that reached
an engine's own HTTP client (Oxigraph evaluates ``SERVICE`` in Rust, out of sight of
Python's audit hooks) fails there. :mod:`crosswalk.rdf.guard` refuses such queries
before they get this far; this is the second wall.

Where ``fork`` does not exist (Windows), the query runs in this process, without a time
limit, behind the parse check and the audit hook of :func:`crosswalk.rdf.parse.offline`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, TypeVar

from crosswalk.model.errors import QueryError

__all__ = ["QueryTimeoutError", "can_fork", "run_sandboxed"]

T = TypeVar("T")


class QueryTimeoutError(QueryError):
    """A query did not finish within its time limit (it was stopped)."""


def can_fork() -> bool:
    """Whether queries run in a forked, killable child on this platform."""
    return hasattr(os, "fork")


def _close_the_door() -> None:
    """No new file descriptors from here on: no sockets, no files (the pipe stays open)."""
    import resource

    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (0, hard))


def _child(work: Callable[[], Any], connection: Any) -> None:
    try:
        _close_the_door()
        outcome: tuple[str, Any] = ("ok", work())
    except QueryError as error:
        outcome = ("query-error", str(error))
    except BaseException as error:  # noqa: BLE001 - every failure goes back to the parent as text
        outcome = ("error", f"{type(error).__name__}: {error}")
    try:
        connection.send(outcome)
    except Exception as error:  # noqa: BLE001 - e.g. a value that cannot be pickled
        connection.send(("error", f"the answer could not be sent back: {error}"))
    finally:
        connection.close()


def run_sandboxed(work: Callable[[], T], *, timeout: float | None) -> T:
    """Run ``work`` in a forked child and return its (picklable) result.

    Raises :class:`QueryTimeoutError` when it takes longer than ``timeout`` seconds (None:
    no limit), and :class:`~crosswalk.model.errors.QueryError` for any failure inside.
    """
    if not can_fork():
        return work()
    import multiprocessing

    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(work, sender), daemon=True)
    process.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            raise QueryTimeoutError(
                f"the query did not finish within its time limit of {timeout:g} second(s) and "
                "was stopped; narrow it (fewer unbound patterns, a LIMIT) or give more time "
                "(--timeout, timeout=)"
            )
        try:
            kind, payload = receiver.recv()
        except EOFError:
            raise QueryError(
                "the query process ended without an answer (out of memory, or killed)"
            ) from None
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        receiver.close()
    if kind == "ok":
        result: T = payload
        return result
    if kind == "query-error":
        raise QueryError(payload)
    raise QueryError(f"the query failed: {payload}")
