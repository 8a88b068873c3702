"""History entries of long texts, kept compact: what changed, not two whole copies.

A history entry for a value holds its form before and after the change. For a
text of a megabyte that is two megabytes per save, and the window saves a long
text at every pause in typing. So when the text after the change is longer
than ``COMPACT_ABOVE`` characters, the entry keeps instead:

* for each side that is text, ``{"text": {"chars": N, "sha256": H}}`` in place
  of ``"data"`` (sensitivity and reason as usual) — the chain hash covers H, so
  the entry still pins the exact text;
* when both sides are text, a ``text_edit``: where the change is (``at``), the
  characters it removed (``removed``, needed to rebuild the earlier text), how
  many it inserted (``inserted``; the text itself is in the later value), and
  for people a few characters before the change (``context``) and the start of
  what was inserted (``added``).

Replaying backwards (verification, revision comparison, audience views) starts
from the later text, checks its length and hash, splices ``removed`` back in
and checks the result against the earlier hash, so every earlier value is
rebuilt byte for byte or the replay fails. A deleted long text keeps its full
copy: nothing later holds it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.model.canonical import sha256_hex

COMPACT_ABOVE = 1024
"""Characters of text after the change above which its entry is compact."""
CONTEXT_CHARS = 30
ADDED_CHARS = 60


class TextEditMismatch(ValueError):
    """A compact entry does not fit the text it is replayed over."""


def text_digest(text: str) -> dict[str, Any]:
    return {"chars": len(text), "sha256": sha256_hex(text)}


def _side(form: Mapping[str, Any]) -> dict[str, Any]:
    side = {key: value for key, value in form.items() if key != "data"}
    side["text"] = text_digest(str(form["data"]))
    return side


def compact_value_change(before: dict[str, Any] | None, after: dict[str, Any] | None) -> dict[str, Any]:
    """The ``before``/``after`` (and ``text_edit``) keys of a value entry: compact when the later text is long."""
    after_text = (after or {}).get("data")
    if not isinstance(after_text, str) or len(after_text) <= COMPACT_ABOVE:
        return {"before": before, "after": after}
    assert after is not None
    before_text = (before or {}).get("data")
    if not isinstance(before_text, str) or len(before_text) <= COMPACT_ABOVE:
        side = _side(after)
        side["text"]["start"] = after_text[:ADDED_CHARS]  # for people: there is no text_edit to show
        return {"before": before, "after": side}  # a short earlier value costs little kept whole
    if before_text == after_text:  # only the sensitivity changed
        return {"before": _side(before or {}), "after": _side(after)}
    start = common_start(before_text, after_text)
    end = common_end(before_text, after_text, len(before_text) - start, len(after_text) - start)
    inserted = after_text[start:len(after_text) - end]
    edit = {"at": start, "removed": before_text[start:len(before_text) - end], "inserted": len(inserted),
            "context": after_text[max(0, start - CONTEXT_CHARS):start], "added": inserted[:ADDED_CHARS]}
    return {"before": _side(before or {}), "after": _side(after), "text_edit": edit}


def common_start(one: str, other: str, block: int = 4096) -> int:
    """Length of the common beginning; compares blocks first (a typed word in a megabyte costs ~0.1 ms)."""
    limit = min(len(one), len(other))
    at = 0
    while at < limit and one[at:at + block] == other[at:at + block]:
        at += block
    if at >= limit:
        return limit
    high = min(at + block, limit)
    while high - at > 32:  # the first difference is in [at, high): halve that by comparing slices
        middle = (at + high) // 2
        if one[at:middle] == other[at:middle]:
            at = middle
        else:
            high = middle
    while at < limit and one[at] == other[at]:
        at += 1
    return at


def common_end(one: str, other: str, room_one: int, room_other: int, block: int = 4096) -> int:
    """Length of the common ending, at most the shorter room (so it never overlaps the common beginning)."""
    limit = min(room_one, room_other)
    size = 0
    while size < limit:
        step = min(block, limit - size)
        if one[len(one) - size - step:len(one) - size] != other[len(other) - size - step:len(other) - size]:
            break
        size += step
    else:
        return limit
    high = min(size + block, limit)
    while high - size > 32:  # the last difference is within [size, high) from the end: halve that
        middle = (size + high) // 2
        if one[len(one) - middle:len(one) - size] == other[len(other) - middle:len(other) - size]:
            size = middle
        else:
            high = middle
    while size < limit and one[len(one) - 1 - size] == other[len(other) - 1 - size]:
        size += 1
    return size


def is_compact(form: Mapping[str, Any] | None) -> bool:
    """Whether a side of a value entry holds a text's digest instead of the text."""
    return form is not None and "text" in form


def same_apart_from_text(found: Mapping[str, Any] | None, side: Mapping[str, Any]) -> bool:
    """Does the value ``found`` (a value form) match a compact side: same text digest, sensitivity and reason?"""
    if found is None or not isinstance(found.get("data"), str):
        return False
    if {k: v for k, v in found.items() if k != "data"} != {k: v for k, v in side.items() if k != "text"}:
        return False
    text = found["data"]
    digest = side["text"]
    return bool(len(text) == digest["chars"] and text.startswith(digest.get("start", ""))
                and sha256_hex(text) == digest["sha256"])


def earlier_text(later: str, body: Mapping[str, Any]) -> str:
    """The text before a compact entry's change, rebuilt from the text after it; TextEditMismatch if it does not fit."""
    edit = body.get("text_edit")
    if edit is None:  # the same text, another sensitivity
        edit = {"at": 0, "inserted": 0, "removed": "", "context": "", "added": ""}
    at, inserted, removed = int(edit["at"]), int(edit["inserted"]), str(edit["removed"])
    if not 0 <= at <= at + inserted <= len(later):
        raise TextEditMismatch(f"the change at character {at} does not fit a text of {len(later)} characters")
    if later[max(0, at - len(edit["context"])):at] != edit["context"] or \
            later[at:at + len(edit["added"])] != edit["added"]:
        raise TextEditMismatch(f"the text around character {at} is not what the entry recorded")
    text = later[:at] + removed + later[at + inserted:]
    digest = body["before"]["text"]
    if len(text) != digest["chars"] or sha256_hex(text) != digest["sha256"]:
        raise TextEditMismatch("the earlier text rebuilt from the change does not match its recorded hash")
    return text


def describe_text_edit(body: Mapping[str, Any], width: int = 60) -> str:
    """One line for people: ``“…context removed” → “…context added” (at character N of M)``."""
    after = body["after"]["text"]
    edit = body.get("text_edit")
    if edit is None:  # the earlier value was short or not a text: the later text's opening words
        opening = _flat(str(after.get("start", "")))
        return f"“{opening}…” ({int(after['chars']):,} characters)"
    most = max(12, width * 2 // 3)
    removed, added = str(edit["removed"]), str(edit["added"])
    shown_removed = _short(_flat(removed), most)
    shown_added = _short(_flat(added), most)
    if int(edit["inserted"]) > len(added) and not shown_added.endswith("…"):
        shown_added += "…"  # the entry keeps only the start of a long insertion
    context = _flat(str(edit["context"]))
    room = max(0, width - max(len(shown_removed), len(shown_added)))
    kept = context[-room:] if room else ""
    lead = ("…" if int(edit["at"]) > len(kept) else "") + kept
    counts = []
    if len(removed) > len(shown_removed):
        counts.append(f"{len(removed):,} characters removed")
    if int(edit["inserted"]) > len(shown_added.rstrip("…")):
        counts.append(f"{int(edit['inserted']):,} inserted")
    where = f"at character {int(edit['at']) + 1:,} of {int(after['chars']):,}"
    return f"“{lead}{shown_removed}” → “{lead}{shown_added}” ({', '.join([*counts, where])})"


def text_change(before: str, after: str, width: int = 60) -> str | None:
    """The change between two texts as ``describe_text_edit`` words it, when ``before → after`` would hide it.

    A history line shortens both texts to ``width`` characters from their
    start; a change further in (a word added to the end of a 90-character
    field) then reads as the same text twice. None when the shortened texts
    show the change, or when both fit whole.
    """
    flat_before, flat_after = " ".join(before.split()), " ".join(after.split())
    if len(flat_before) <= width and len(flat_after) <= width:
        return None
    start = common_start(before, after)
    if start < width * 2 // 3:
        return None  # the change shows within the shortened texts
    end = common_end(before, after, len(before) - start, len(after) - start)
    added = after[start:len(after) - end]
    edit = {"at": start, "removed": before[start:len(before) - end], "inserted": len(added),
            "context": after[max(0, start - CONTEXT_CHARS):start], "added": added[:ADDED_CHARS]}
    return describe_text_edit({"after": {"text": {"chars": len(after)}}, "text_edit": edit}, width)


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def _flat(text: str) -> str:
    return text.replace("\r", " ").replace("\n", " ").replace("\t", " ")
