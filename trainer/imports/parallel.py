"""Planning a large import in a second process while this one writes to the database.

An import spends its time in two halves of about the same size: reading, checking and matching the
rows (Python, and a few reads) and inserting them (the database). For large files a forked child
process does the first half and hands each chunk's plan over a pipe, so the two halves run on two
cores. The pipe holds about one chunk, so memory stays bounded (the child waits for the writer).

The child never touches the writer's connection or transaction: it reads through a connection of
its own, which sees the database as it was before the import (the writer has only inserted what
the child planned, and the child remembers that). Errors and warnings it finds travel with their
chunk, in file order, and its counters at the end; a ``ReadError`` or a crash in the child is
raised again here. Small files, and platforms without ``fork``, are planned in this process.
"""

from __future__ import annotations

import multiprocessing
import traceback
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from trainer.database import read_only_here
from trainer.extensions import db
from trainer.imports.context import CHUNK_SIZE, ImportContext, chunks
from trainer.imports.reading import ReadError

Plan = TypeVar("Plan")
Step = Callable[[list[tuple[int, list]]], Plan]

# The writer's session, referenced by the child so that it is never closed or collected there.
_writer_session_in_child: list = []


class CountedRows:
    """The file's data rows, counted as they are read (here or, chunk by chunk, in the child)."""

    def __init__(self, rows: Iterable[tuple[int, list]]) -> None:
        self._rows = iter(rows)
        self.count = 0

    def __iter__(self) -> Iterator[tuple[int, list]]:
        return self

    def __next__(self) -> tuple[int, list]:
        row = next(self._rows)
        self.count += 1
        return row

    def chunks(self, size: int) -> Iterator[list[tuple[int, list]]]:
        """The rows in lists of ``size``, counted a list at a time (no Python call per row)."""
        for part in chunks(self._rows, size):
            self.count += len(part)
            yield part


def planned_chunks(
    ctx: ImportContext, rows: CountedRows, make_step: Callable[[], Step], min_bytes: int
) -> Iterator[Plan]:
    """``make_step()`` applied to the rows, chunk by chunk; yields each chunk's plan."""
    if ctx.file_size < min_bytes or "fork" not in multiprocessing.get_all_start_methods():
        step = make_step()
        for chunk in rows.chunks(CHUNK_SIZE):
            yield step(chunk)
        return
    forking = multiprocessing.get_context("fork")
    receiver, sender = forking.Pipe(duplex=False)
    child = forking.Process(target=_plan_in_child, args=(receiver, sender, ctx, rows, make_step), daemon=True)
    child.start()
    sender.close()
    try:
        while True:
            try:
                message = receiver.recv()
            except EOFError:
                raise RuntimeError("le processus de lecture du fichier s'est arrêté sans prévenir") from None
            kind = message[0]
            if kind == "chunk":
                _, plan, read, issues = message
                ctx.log.merge(issues)
                rows.count += read
                yield plan
            elif kind == "end":
                ctx.counts.update(message[1])
                return
            elif kind == "read_error":
                _, issue, issues = message
                ctx.log.merge(issues)
                raise ReadError(issue.message, issue.line)
            else:
                raise RuntimeError(f"erreur du processus de lecture du fichier :\n{message[1]}")
    finally:
        receiver.close()
        child.join(timeout=1)
        if child.is_alive():  # the writer stopped early: the child may wait on a full pipe
            child.terminate()
            child.join()


def _plan_in_child(receiver, sender, ctx: ImportContext, rows: CountedRows, make_step) -> None:
    """In the child: read, check and plan every chunk, and send the plans."""
    # Only the writer may hold the reading end: if it dies, sending fails and this process ends.
    receiver.close()
    _read_through_own_connection()
    log = ctx.log
    mark = log.mark()
    ctx.counts = Counter()
    try:
        step = make_step()
        for chunk in rows.chunks(CHUNK_SIZE):
            plan = step(chunk)
            issues = log.since(mark)
            mark = log.mark()
            sender.send(("chunk", plan, len(chunk), issues))
        sender.send(("end", ctx.counts))
    except ReadError as exc:
        sender.send(("read_error", exc.issue, log.since(mark)))
    except Exception:
        sender.send(("crash", traceback.format_exc()))
    finally:
        sender.close()
        db.session.close()
        db.engine.dispose()


def _read_through_own_connection() -> None:
    # The writer's connection and session were copied by fork: keep them untouched (closing them
    # here would roll back the writer's transaction), and let the pool open new connections.
    _writer_session_in_child.append(db.session())
    db.engine.dispose(close=False)
    db.session.registry.set(db.session.session_factory())
    read_only_here()
