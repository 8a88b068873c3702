"""Fitting one line of text into a fixed width: the running header of every page.

A model's name is whatever the lab calls it, and some are two hundred characters
long. The running header has one line, shared with the section title, so the name
is shortened there — at a word boundary, with an ellipsis, keeping the version,
which says which snapshot the page is about. The cover shows the name in full.
"""

from __future__ import annotations

from app.export.formats.pdf_text import width_of as stringWidth  # the same widths, each text measured once

ELLIPSIS = "…"


def fit_words(text: str, font: str, size: float, width: float) -> str:
    """``text`` if it fits, else its longest run of whole words that fits, followed by an ellipsis.

    Only a first word that is itself wider than ``width`` is cut inside the word, after its last
    '-', '.', '_' or '/' that fits when it has one.
    """
    if stringWidth(text, font, size) <= width:
        return text
    words = text.split(" ")
    kept = ""
    for word in words:
        candidate = f"{kept} {word}" if kept else word
        if stringWidth(candidate + ELLIPSIS, font, size) > width:
            break
        kept = candidate
    if not kept:
        kept = words[0]
        while kept and stringWidth(kept + ELLIPSIS, font, size) > width:
            kept = kept[:-1]
        soft = max(kept.rfind(mark) for mark in "-._/")
        if soft > 0:
            kept = kept[:soft]
    return kept.rstrip(" ,;:-–—") + ELLIPSIS


def running_title(model: str, version: str, width: float, font: str = "", size: float = 7.5) -> str:
    """``model version`` in ``width``: the model shortened first, the version kept while it fits."""
    from app.export.fonts import SANS
    font = font or SANS
    full = " ".join(part for part in (model, version) if part)
    if stringWidth(full, font, size) <= width:
        return full
    if version:
        room = width - stringWidth(f" {version}", font, size)
        if room > stringWidth("M" * 8, font, size):
            return f"{fit_words(model, font, size, room)} {version}"
    return fit_words(full, font, size, width)
