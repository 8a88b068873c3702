"""The portfolio for the window: every file read on both worker processes, never on the window's thread.

The command line forks its own workers (``app.portfolio.read_portfolio``);
the window must not fork a process that runs Qt's threads, so it hands each
worker process of ``app.session.offload`` a share of the files and waits on
them from a background thread. Unchanged files come from the digest cache, so
a refresh after one file changed re-reads that one file.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from app.portfolio import Portfolio, assemble, portfolio_files, shares, summarise_many
from app.session import offload


def read_in_workers(places: list[Path], as_of: date) -> Portfolio:
    """Find the files in ``places`` and summarise them on the worker processes (call from a thread)."""
    paths = portfolio_files(places)
    futures = [offload.submit(summarise_many, share, as_of) for share in shares(paths, offload.WORKERS)]
    return assemble(as_of, (result for future in futures for result in future.result()))
