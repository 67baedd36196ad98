"""Reading and checking a large file in a second process while this one writes to the database.

An import spends its time in two halves of about the same size: reading and checking the rows
(pure Python) and inserting them (the database). For large files a forked child process reads and
checks the rows and hands them over chunk by chunk, so the two halves run on two cores. The pipe
holds about one chunk, so memory stays bounded (the child waits when the writer is behind).

Errors and warnings the child finds travel with their chunk, in file order; a ``ReadError`` or a
crash in the child is raised again here. Small files, and platforms without ``fork``, are read in
this process.
"""

from __future__ import annotations

import multiprocessing
import traceback
from collections.abc import Callable, Iterable, Iterator

from trainer.imports.context import CHUNK_SIZE, ImportContext, chunks
from trainer.imports.reading import ReadError


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


def parsed_chunks(
    ctx: ImportContext, rows: CountedRows, parse: Callable[[tuple[int, list]], object], min_bytes: int
) -> Iterator[list]:
    """``parse`` applied to every row, yielded in chunks of ``CHUNK_SIZE``."""
    if ctx.file_size < min_bytes or "fork" not in multiprocessing.get_all_start_methods():
        for chunk in chunks(rows, CHUNK_SIZE):
            yield list(map(parse, chunk))
        return
    forking = multiprocessing.get_context("fork")
    receiver, sender = forking.Pipe(duplex=False)
    child = forking.Process(target=_produce, args=(receiver, sender, ctx, rows, parse), daemon=True)
    child.start()
    sender.close()
    try:
        while True:
            try:
                message = receiver.recv()
            except EOFError:
                raise RuntimeError("le processus de lecture du fichier s'est arrêté sans prévenir") from None
            kind = message[0]
            if kind == "rows":
                _, parsed, issues = message
                ctx.log.merge(issues)
                rows.count += len(parsed)
                yield parsed
            elif kind == "end":
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


def _produce(receiver, sender, ctx: ImportContext, rows: CountedRows, parse) -> None:
    """In the child: read, check and send the rows; never touches the database."""
    # Only the writer may hold the reading end: if it dies, sending fails and this process ends.
    receiver.close()
    log = ctx.log
    mark = log.mark()
    try:
        for chunk in chunks(rows, CHUNK_SIZE):
            parsed = list(map(parse, chunk))
            issues = log.since(mark)
            mark = log.mark()
            sender.send(("rows", parsed, issues))
        sender.send(("end",))
    except ReadError as exc:
        sender.send(("read_error", exc.issue, log.since(mark)))
    except Exception:
        sender.send(("crash", traceback.format_exc()))
    finally:
        sender.close()
