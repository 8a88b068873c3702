"""Labelled text: every part of a derived text carries the sensitivity of what it came from.

The audience filter removes withheld *values*; text *computed* from values — a
check message naming the level found, a date a summary quotes, a chart label,
a record id in a history line, a file name built from the model name — would
carry them past it. So such text is never a plain ``str``: it is a
``Labelled``, a tuple of parts, each with the highest sensitivity of the
values it was computed from (and their addresses). The label of the whole is
the highest label of its parts.

Building one is cheap and hard to get wrong:

* ``template("Checkpoint {name} at {compute} came …", name=…, compute=…)`` —
  the format is the product's own words (public); every argument must itself
  be ``Labelled``, so a value cannot slip in unlabelled (``TypeError``);
* ``quoted(text, sensitivity, address)`` for a value's display text;
* ``derived(text, *inputs)`` for anything worked out from labelled inputs (a
  duration between two dates, the record holding the highest level);
* ``fixed(text)`` for the product's own words and content-file text — never a
  document value.

Reading one: ``.plain`` is the whole text (internal readers: the editor, the
``check`` command, the internal report); ``render(sees, placeholder)`` gives
the text for an audience, each part the audience may not see replaced by the
fixed placeholder for its sensitivity. ``str()`` and f-string formatting
raise, so a labelled text cannot be flattened by accident.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache

from app.model.fast_dataclass import dataclass
from app.model.sensitivity import Sensitivity

_PUBLIC = Sensitivity.PUBLIC
_FIELD = re.compile(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}|[{}]")


@dataclass(frozen=True, slots=True)
class Part:
    text: str
    sensitivity: Sensitivity = _PUBLIC
    sources: tuple[str, ...] = ()
    """Addresses of the values the text was computed from (empty for the product's own words)."""


class Labelled:
    """Immutable text made of labelled parts; see the module docstring."""

    __slots__ = ("parts", "sensitivity")
    parts: tuple[Part, ...]
    sensitivity: Sensitivity

    def __init__(self, parts: Iterable[Part] = ()) -> None:
        merged: list[Part] = []
        for part in parts:
            if not isinstance(part, Part):
                raise TypeError(f"Labelled is made of Part, not {type(part).__name__}")
            if not part.text:
                continue
            if merged and merged[-1].sensitivity == part.sensitivity and merged[-1].sources == part.sources:
                merged[-1] = Part(merged[-1].text + part.text, part.sensitivity, part.sources)
            else:
                merged.append(part)
        object.__setattr__(self, "parts", tuple(merged))
        object.__setattr__(self, "sensitivity", max((p.sensitivity for p in merged), default=_PUBLIC))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Labelled text is immutable")

    # -- reading ---------------------------------------------------------------
    @property
    def plain(self) -> str:
        """The whole text, for readers cleared for everything (the internal edition, the editor)."""
        return "".join(p.text for p in self.parts)

    @property
    def sources(self) -> tuple[str, ...]:
        """Every address the text was computed from, in order, once each."""
        return tuple(dict.fromkeys(s for p in self.parts for s in p.sources))

    def render(self, sees: Sensitivity, placeholder: Callable[[Sensitivity], str]) -> str:
        """The text for an audience cleared for ``sees``: each run of parts above it becomes one placeholder."""
        if self.sensitivity <= sees:
            return self.plain
        out: list[str] = []
        withheld: Sensitivity | None = None
        for part in self.parts:
            if part.sensitivity <= sees:
                if withheld is not None:
                    out.append(placeholder(withheld))
                    withheld = None
                out.append(part.text)
            else:
                withheld = part.sensitivity if withheld is None else max(withheld, part.sensitivity)
        if withheld is not None:
            out.append(placeholder(withheld))
        return "".join(out)

    def visible_to(self, sees: Sensitivity) -> bool:
        return self.sensitivity <= sees

    def __bool__(self) -> bool:
        return bool(self.parts)

    def __iter__(self) -> Iterator[Part]:
        return iter(self.parts)

    # -- combining -------------------------------------------------------------
    def __add__(self, other: object) -> Labelled:
        if not isinstance(other, Labelled):
            raise TypeError(f"only labelled text can be added to labelled text, not {type(other).__name__}; "
                            f"wrap the product's own words in fixed() and values in quoted()")
        return Labelled(self.parts + other.parts)

    def __radd__(self, other: object) -> Labelled:
        raise TypeError(f"only labelled text can be added to labelled text, not {type(other).__name__}")

    def at_least(self, sensitivity: Sensitivity, sources: Iterable[str] = ()) -> Labelled:
        """Every part raised to at least ``sensitivity`` (text chosen by comparing labelled values)."""
        extra = tuple(sources)
        return Labelled(Part(p.text, max(p.sensitivity, sensitivity), tuple(dict.fromkeys(p.sources + extra)))
                        for p in self.parts)

    # -- no silent flattening ---------------------------------------------------
    def __str__(self) -> str:
        raise TypeError("labelled text has no str(): use .plain for internal readers or render() for an audience")

    def __format__(self, spec: str) -> str:
        raise TypeError("labelled text cannot be formatted into a str: use template() to build labelled text")

    def __repr__(self) -> str:
        inner = ", ".join(f"{p.text!r}:{p.sensitivity.value}" for p in self.parts)
        return f"Labelled({inner})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Labelled) and self.parts == other.parts

    def __hash__(self) -> int:
        return hash(self.parts)


EMPTY = Labelled()


def fixed(text: str) -> Labelled:
    """The product's own words or content-file text (form labels, rule titles): public."""
    if not isinstance(text, str):
        raise TypeError(f"fixed() takes the product's own words as str, not {type(text).__name__}")
    return Labelled((Part(text),))


def quoted(text: str, sensitivity: Sensitivity, *sources: str) -> Labelled:
    """A value's display text, labelled with the value's sensitivity and address."""
    if not isinstance(text, str):
        raise TypeError(f"quoted() takes display text, not {type(text).__name__}")
    if not isinstance(sensitivity, Sensitivity):
        raise TypeError("quoted() needs the value's sensitivity")
    return Labelled((Part(text, sensitivity, tuple(sources)),))


def label_of(*inputs: Labelled | Sensitivity) -> tuple[Sensitivity, tuple[str, ...]]:
    """The highest sensitivity among ``inputs`` and every address they came from."""
    level = _PUBLIC
    sources: list[str] = []
    for item in inputs:
        if isinstance(item, Labelled):
            level = max(level, item.sensitivity)
            sources.extend(item.sources)
        elif isinstance(item, Sensitivity):
            level = max(level, item)
        else:
            raise TypeError(f"a label comes from labelled text or a Sensitivity, not {type(item).__name__}")
    return level, tuple(dict.fromkeys(sources))


def derived(text: str, *inputs: Labelled | Sensitivity) -> Labelled:
    """Text worked out from ``inputs`` (a duration, a ratio, a choice among records): their highest label."""
    if not isinstance(text, str):
        raise TypeError(f"derived() takes the computed text, not {type(text).__name__}")
    level, sources = label_of(*inputs)
    return Labelled((Part(text, level, sources),))


def template(form: str, /, **arguments: Labelled) -> Labelled:
    """``form`` with ``{name}`` fields filled by labelled ``arguments`` (``{{``/``}}`` for braces).

    The form is the product's own words and is public; an argument that is not
    ``Labelled`` raises ``TypeError`` — a value has to say how sensitive it is.
    """
    parts: list[Part] = []
    used: set[str] = set()
    for token in _form_tokens(form):
        if isinstance(token, Part):
            parts.append(token)
            continue
        if token is None:
            raise ValueError(f"unbalanced brace in message template {form!r}")
        name = token
        if name not in arguments:
            raise KeyError(f"message template {form!r} needs {name!r}")
        value = arguments[name]
        if not isinstance(value, Labelled):
            raise TypeError(f"template argument {name!r} is a {type(value).__name__}, not labelled text: "
                            f"label values with quoted()/derived(), the product's own words with fixed()")
        parts.extend(value.parts)
        used.add(name)
    unused = set(arguments) - used
    if unused:
        raise KeyError(f"message template {form!r} does not use {', '.join(sorted(unused))}")
    return Labelled(parts)


@lru_cache(maxsize=1024)
def _form_tokens(form: str) -> tuple[Part | str | None, ...]:
    """``form`` read once (a report fills the same two dozen forms a thousand times): its words as public
    parts, each field as its name, an unbalanced brace as None — in order, so ``template`` meets a mistake
    where a reading of the form from the start would."""
    tokens: list[Part | str | None] = []
    cursor = 0
    for match in _FIELD.finditer(form):
        if match.start() > cursor:
            tokens.append(Part(form[cursor:match.start()]))
        cursor = match.end()
        token = match.group(0)
        if token in ("{{", "}}"):
            tokens.append(Part(token[0]))
        else:
            tokens.append(match.group(1))  # None: a lone brace
    if cursor < len(form):
        tokens.append(Part(form[cursor:]))
    return tuple(tokens)


def join(separator: str, items: Iterable[Labelled]) -> Labelled:
    """Labelled texts joined by the product's own ``separator``."""
    parts: list[Part] = []
    for index, item in enumerate(items):
        if not isinstance(item, Labelled):
            raise TypeError(f"join() takes labelled text, not {type(item).__name__}")
        if index:
            parts.append(Part(separator))
        parts.extend(item.parts)
    return Labelled(parts)


def count(number: int) -> Labelled:
    """A count the code worked out (records, answers): public, as the reports disclose counts anyway."""
    if isinstance(number, bool) or not isinstance(number, int):
        raise TypeError(f"count() takes an int, not {type(number).__name__}")
    return fixed(str(number))
