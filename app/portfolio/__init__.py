"""A compliance lead's view across many assessments: one row per model, every running clock.

A portfolio is a folder (or a list) of ``.rwa`` files. Nothing is copied or
merged: each file is opened read-only, verified, checked against every regime
it names, and summarised into a ``ModelRow``; a file that cannot be trusted
(damaged, written by a newer version, tampered) becomes an ``Unreadable`` entry
naming the file and why, and the rest go on.

``read_portfolio(paths, as_of)`` → ``Portfolio``
    Reads the files on every core (one worker process per core).
``clocks(doc, frameworks, as_of)`` (``app.portfolio.clocks``)
    The deadlines running for one assessment, soonest first.
"""

from app.portfolio.clocks import Clock, running_clocks
from app.portfolio.reading import Portfolio, assemble, portfolio_files, read_portfolio, shares, summarise_many
from app.portfolio.summary import ModelRow, RegimeStatus, Unreadable, read_summary, summarise

__all__ = ["Clock", "ModelRow", "Portfolio", "RegimeStatus", "Unreadable", "assemble", "portfolio_files",
           "read_portfolio", "read_summary", "running_clocks", "shares", "summarise", "summarise_many"]
