"""Read a whole portfolio: every file summarised, on every core, in a stable order.

Files are independent, so they are read in worker processes (one per core);
each worker loads the forms and frameworks once and then reads its share of
files. Small portfolios are read in this process, where starting workers
would cost more than it saves. ``read_each`` is that machinery for any reader
of files (the quarterly update's, ``app.session.quarterly``).
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import date
from multiprocessing import get_all_start_methods, get_context
from pathlib import Path
from typing import Any, TypeVar

from app.checks import load_framework
from app.checks.engine import shared_index
from app.content.forms import load_forms
from app.model.fast_dataclass import dataclass
from app.portfolio import cache
from app.portfolio.clocks import Clock
from app.portfolio.summary import RUBRIC, ModelRow, Unreadable, map_files, summarise
from app.store.file import SUFFIX
from app.store.schema import expected_objects, format_version

_IN_PROCESS_BELOW = 8
"""Fewer files than this are read without worker processes."""
R = TypeVar("R")


@dataclass(frozen=True)
class Portfolio:
    as_of: date
    rows: tuple[ModelRow, ...]
    unreadable: tuple[Unreadable, ...]

    @property
    def clocks(self) -> list[tuple[ModelRow, Clock]]:
        """Every running clock across the portfolio, most urgent first."""
        every = [(row, clock) for row in self.rows for clock in row.clocks]
        every.sort(key=lambda pair: (pair[1].due, pair[0].model, pair[1].subject))
        return every

    @property
    def all_clear(self) -> bool:
        """Nothing overdue, every regime complied with, every file readable."""
        return not self.unreadable and not any(row.needs_attention for row in self.rows)


def portfolio_files(places: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """The assessment files named: folders are searched (with their sub-folders) for ``.rwa`` files.

    Hidden files and folders (temporary files, sync-tool folders) are skipped.
    A named path that does not exist raises ``FileNotFoundError``.
    """
    found: list[Path] = []
    for place in places:
        path = Path(place)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob(f"*{SUFFIX}")
                                if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts)))
        elif path.exists():
            found.append(path)
        else:
            raise FileNotFoundError(f"{path}: no such file or folder")
    return list(dict.fromkeys(found))


def _summarise_cached(path: Path, as_of: date, use_cache: bool) -> ModelRow | Unreadable:
    if not use_cache:
        return summarise(path, as_of)
    try:
        digest = cache.file_digest(path)
    except OSError:
        return summarise(path, as_of)  # says what is wrong with the file in the usual words
    remembered = cache.load(path, digest, as_of)
    if remembered is not None:
        return remembered
    result = summarise(path, as_of)
    cache.store(digest, result)
    return result


def summarise_many(paths: list[Path], as_of: date, use_cache: bool = True) -> list[ModelRow | Unreadable]:
    """Summarise ``paths`` in this process (what each worker runs on its share)."""
    return [_summarise_cached(path, as_of, use_cache) for path in paths]


def shares(paths: list[Path], workers: int) -> list[list[Path]]:
    """``paths`` dealt round-robin to ``workers``, largest first (large and small files spread evenly)."""
    ordered = largest_first(paths)
    return [share for index in range(workers) if (share := ordered[index::workers])]


def largest_first(paths: list[Path]) -> list[Path]:
    """``paths`` by size, largest first (equal sizes in the order given): the time a file takes grows with its
    size, and a large file read last would keep one worker busy after the other has finished. A file that
    cannot be looked at counts as empty; reading it says what is wrong with it."""
    def size(path: Path) -> int:
        try:
            return path.stat().st_size
        except OSError:
            return 0
    return sorted(paths, key=size, reverse=True)


def assemble(as_of: date, results: Iterable[ModelRow | Unreadable]) -> Portfolio:
    """The portfolio from every file's result: rows by model name, unreadable files by path."""
    results = list(results)
    rows = sorted((r for r in results if isinstance(r, ModelRow)), key=lambda r: (r.model.casefold(), str(r.path)))
    bad = sorted((r for r in results if isinstance(r, Unreadable)), key=lambda r: str(r.path))
    return Portfolio(as_of, tuple(rows), tuple(bad))


def read_portfolio(paths: list[Path], as_of: date, workers: int | None = None, use_cache: bool = True) -> Portfolio:
    """Summarise every file; rows sorted by model name, unreadable files by path.

    ``use_cache=False`` reads and verifies every file afresh (``app.portfolio.cache``).
    """
    return assemble(as_of, read_each(paths, _summarise_batch, (as_of, use_cache), workers))


def _summarise_batch(paths: list[Path], as_of: date, use_cache: bool) -> list[ModelRow | Unreadable]:
    """``summarise_many``, looked up when a worker runs it (a worker is handed this function by name): what
    replaces ``summarise_many`` in this module, as the tests of a worker that stops do, is what workers run."""
    return summarise_many(paths, as_of, use_cache)


def read_each(paths: list[Path], read: Callable[..., list[R]], args: tuple[Any, ...], workers: int | None = None,
              *, fork: bool | None = None, in_process_below: int = _IN_PROCESS_BELOW,
              warm: Callable[[], None] | None = None, started: Callable[..., None] | None = None,
              started_args: tuple[Any, ...] = ()) -> list[R]:
    """``read(batch, *args)`` — one result per file of ``batch``, in its order — over every file, on every core;
    the results in the order of ``paths``. ``read`` is a module-level function (a worker finds it by name) and
    must not raise for a bad file: a worker that stops suddenly has its batch read again here.

    ``fork``: whether the workers are forked (default: where the system can); else they are spawned, as a
    process running other threads must. Before forking, what summarising needs is loaded here, and what
    ``warm`` loads, so that the workers share it; ``started(*started_args)`` runs in each worker as it starts.
    """
    workers = workers if workers is not None else (os.cpu_count() or 1)
    if workers <= 1 or len(paths) < in_process_below:
        return read(paths, *args)
    # Forking is cheap and shares the loaded forms and rubric (loaded here first, so each worker does not
    # load them again; ``_load_content`` says why the other frameworks are not); a process running Qt's
    # threads must not fork, so the window reads through the application layer's spawned workers instead.
    forking = "fork" in get_all_start_methods() if fork is None else fork
    if forking:
        _load_content()
        if warm is not None:
            warm()
    # Many small batches, taken by whichever worker is free, largest files first: a worker slowed by
    # something else on the machine, or a large file read last, does not hold up the end of the read.
    ordered = largest_first(paths)
    batches = [ordered[start:start + _FILES_PER_BATCH] for start in range(0, len(ordered), _FILES_PER_BATCH)]
    if len(batches) > 2 * workers:  # the last files one by one: both workers finish within one file's time
        batches = batches[:-workers] + [[path] for batch in batches[-workers:] for path in batch]
    initializer: Callable[..., None] | None = _worker_started if forking else started
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("fork") if forking else get_context(),
                             initializer=initializer, initargs=(started, started_args) if forking else started_args
                             ) as pool:
        futures = _hand_out(pool, batches, read, args)
        parts = [_result(future, batch, read, args) for future, batch in zip(futures, batches, strict=True)]
    found = {path: result for batch, part in zip(batches, parts, strict=True)
             for path, result in zip(batch, part, strict=True)}
    return [found[path] for path in paths]


def _hand_out(pool: ProcessPoolExecutor, batches: list[list[Path]], read: Callable[..., list[R]],
              args: tuple[Any, ...]) -> list[Future[list[R]] | None]:
    """Each batch's future; None for the batches left when a worker stopped suddenly while they were still
    being handed out (the pool then refuses more work, and ``_result`` reads them here)."""
    futures: list[Future[list[R]] | None] = []
    for batch in batches:
        try:
            futures.append(pool.submit(_read_batch, read, batch, *args))
        except BrokenProcessPool:
            return futures + [None] * (len(batches) - len(futures))
    return futures


def _result(future: Future[list[R]] | None, batch: list[Path], read: Callable[..., list[R]],
            args: tuple[Any, ...]) -> list[R]:
    """A batch's result; when a worker stopped suddenly (which ends the pool), this process reads the batch
    itself, without a memory map. A forked worker reads through one (``_worker_started``), and an error
    reading a mapped page — a network folder that went away — stops it with SIGBUS instead of raising: read
    again here, the file is reported by name like any other that cannot be read. No future: the batch was
    never handed out (``_hand_out``)."""
    if future is None:
        return read(batch, *args)
    try:
        return future.result()
    except BrokenProcessPool:
        return read(batch, *args)


_FILES_PER_BATCH = 3
"""About this many files per batch (fewer hand-overs); the last ``workers`` batches are split into single
files, so what the read waits for at the end, once the other worker has finished, is at most one file."""


def _worker_started(started: Callable[..., None] | None = None, started_args: tuple[Any, ...] = ()) -> None:
    """A forked worker: what it inherited is never garbage, and it collects cycles itself (``_read_batch``).

    Reading a large file allocates tens of thousands of objects, and the automatic collector would scan
    the document being read, and everything inherited from the parent, again and again. It reads files
    through a memory map (``app.store.file.open_inspected``): should a mapped read fail, the parent reads
    the batch again (``_result``)."""
    gc.freeze()
    gc.disable()
    map_files(True)
    if started is not None:
        started(*started_args)


def _read_batch(read: Callable[..., list[R]], paths: list[Path], *args: Any) -> list[R]:
    try:
        return read(paths, *args)
    finally:
        if not gc.isenabled():  # a forked worker (``_worker_started``)
            gc.collect(0 if gc.get_count()[1] < _WHOLE_COLLECTION_EVERY else 2)


_WHOLE_COLLECTION_EVERY = 10
"""A worker collects what its batch left (the young objects) after each batch, and looks at everything after
every tenth. A file read leaves no cycles (a collection finds none): a whole collection, ~0.3 ms, also empties
the interpreter's free lists of floats, tuples and the like, which the next file then builds up again, while
the young collection costs a few µs. Cycles a batch does leave are collected all the same: those among its
own objects at once, any reaching older ones within ten batches."""


def _load_content() -> None:
    """Load what every worker needs before the workers fork: the forms, the checks' form index, the schema
    verification compares with, and the rubric every row is scored against.

    The other frameworks are loaded by the workers, each when a file first names one: loading all of them
    here kept the other core idle while the parent loaded frameworks no file might name (the 200-file
    benchmark names 5 of 10), whereas both workers load the ones they meet at the same time.
    Only warms caches: what cannot be loaded is left for the worker to meet (and report) as it would have
    without this."""
    try:
        forms = load_forms()
        shared_index(forms)
        expected_objects(format_version())  # what verification compares each file's schema with
        load_framework(RUBRIC)
    except Exception:  # noqa: BLE001 - warming only; the workers load and report as before
        return
