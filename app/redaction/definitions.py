"""Detector definitions: loaded from ``schemas/detectors/*.yaml`` and checked.

Detectors are content, not code, so a lab can add its own term list (code
names of internal agents, its red-team range's host names) without touching
Python. Each file is checked against ``detectors.schema.json``; beyond the
schema, every regular expression must compile, ids must be unique across
files, and a check's options must make sense — all reported as
``file:line:column: message``. Each definition may carry examples that must and
must not match; the test suite runs them, so a lab's own list is tested too.
"""

from __future__ import annotations

import json
import re
from dataclasses import field
from functools import cache
from pathlib import Path
from typing import Any
from collections.abc import Mapping

from app.content.errors import ContentError, ContentErrors
from app.content.locate import content_path
from app.content.yaml_source import display_name, load_yaml_file, MarkedDict, schema_errors
from app.model.fast_dataclass import dataclass
from app.model.forms import SourcePosition
from app.model.sensitivity import Sensitivity

CHECK_OPTIONS: dict[str, dict[str, type | tuple[type, ...]]] = {
    "entropy": {"min_bits_per_char": (int, float), "require_classes": int},
    "nucleotide": {"min_bases": int, "min_distinct": int, "max_n_fraction": (int, float)},
    "protein": {"min_residues": int, "min_distinct": int, "max_nucleotide_fraction": (int, float)},
    "ipv6": {},
    "host": {"top_level_domains": list, "allow_domains": list},
    "phone": {"min_digits": int, "max_digits": int},
    "code_block": {"indicators": list, "min_indicators": int},
}
"""Options each named check accepts (see ``app.redaction.checks``)."""


@dataclass(frozen=True)
class DetectorSpec:
    """One detector as defined in a content file."""

    id: str
    label: str
    category: str
    """What a hit is, in a person's words (``biological agent``, ``credential``)."""
    domain: str
    """The hazard domain a span wrapped around a hit gets by default."""
    sensitivity: Sensitivity
    """What a hit implies: text below this sensitivity that contains a hit is flagged."""
    kind: str
    terms: tuple[str, ...] = ()
    pattern: str | None = None
    ignore_case: bool = False
    trigger: str | None = None
    """A cheap expression that must match somewhere before the pattern is tried."""
    trigger_words: tuple[str, ...] = ()
    """Literal strings one of which must occur (any letter case) before the pattern is tried;
    every text the pattern can match must contain one of them."""
    trigger_run: tuple[str, int] | None = None
    """(characters, length): the pattern is tried only where at least ``length`` of these
    (printable ASCII) characters stand in a row — a cheap test for long runs."""
    check: str | None = None
    options: Mapping[str, Any] = field(default_factory=dict)
    allow: frozenset[str] = frozenset()
    """Normalised matches that are never reported (e.g. reserved example domains)."""
    examples_match: tuple[str, ...] = ()
    examples_no_match: tuple[str, ...] = ()
    help: str = ""
    source: SourcePosition | None = None


@cache
def _schema() -> dict[str, Any]:
    return json.loads((Path(__file__).resolve().parent.parent / "content" / "jsonschema"
                       / "detectors.schema.json").read_text(encoding="utf-8"))



def load_detector_specs(folder: Path | None = None) -> tuple[DetectorSpec, ...]:
    """Every detector in ``folder`` (default: the bundled ``schemas/detectors``), checked."""
    if folder is None:
        return _default_specs()
    return _load(folder)


@cache
def _default_specs() -> tuple[DetectorSpec, ...]:
    return _load(content_path("schemas", "detectors"))


def _load(folder: Path) -> tuple[DetectorSpec, ...]:
    from app.redaction.normalise import normalise

    errors: list[ContentError] = []
    specs: list[DetectorSpec] = []
    first_seen: dict[str, str] = {}
    files = sorted(folder.glob("*.yaml"))
    if not files:
        raise ContentErrors([ContentError(display_name(folder), None, None,
                                          "no detector definitions (*.yaml) found")])
    for path in files:
        name = display_name(path)
        try:
            data = load_yaml_file(path, name)
        except ContentError as error:
            errors.append(error)
            continue
        found = schema_errors(data, _schema(), name)
        if found:
            errors.extend(found)
            continue
        for item in data["detectors"]:
            spec = _spec(item, name, errors, normalise)
            if spec is None:
                continue
            if spec.id in first_seen:
                line, column = item.value_marks["id"]
                errors.append(ContentError(name, line, column,
                                           f"detector id {spec.id!r} is already defined in {first_seen[spec.id]}"))
                continue
            first_seen[spec.id] = name
            specs.append(spec)
    if errors:
        raise ContentErrors(errors)
    return tuple(specs)


def _compile(expression: str, flags: int, name: str, at: tuple[int, int], what: str,
             errors: list[ContentError]) -> bool:
    try:
        re.compile(expression, flags)
    except re.error as error:
        errors.append(ContentError(name, at[0], at[1], f"{what} is not a valid regular expression: {error}"))
        return False
    return True


def _spec(item: MarkedDict, name: str, errors: list[ContentError], normalise: Any) -> DetectorSpec | None:
    before = len(errors)

    def at(key: str) -> tuple[int, int]:
        return item.value_marks.get(key, item.mark)

    flags = re.IGNORECASE if item.get("ignore_case") else 0
    if "pattern" in item:
        _compile(item["pattern"], flags, name, at("pattern"), "pattern", errors)
    if "trigger" in item:
        _compile(item["trigger"], 0, name, at("trigger"), "trigger", errors)
    for index, word in enumerate(item.get("trigger_words", [])):
        if any(marker in word for marker in "*~`"):
            line, column = item["trigger_words"].item_marks[index]
            errors.append(ContentError(name, line, column, f"trigger word {word!r} holds a Markdown emphasis "
                                                           f"marker (* ~ `), which the gate drops; use trigger"))
    terms: tuple[str, ...] = ()
    if item["kind"] == "terms":
        for index, term in enumerate(item["terms"]):
            if not normalise(term):
                line, column = item["terms"].item_marks[index]
                errors.append(ContentError(name, line, column,
                                           f"term {term!r} has no letters or digits to match"))
        terms = tuple(item["terms"])
    check = item.get("check")
    options = dict(item.get("options", {}))
    if options and check is None:
        errors.append(ContentError(name, *at("options"), "options are only read by a check; add check or remove them"))
    if check is not None:
        allowed = CHECK_OPTIONS[check]
        for key, value in options.items():
            if key not in allowed:
                known = ", ".join(sorted(allowed)) or "none"
                errors.append(ContentError(name, *at("options"),
                                           f"check {check!r} has no option {key!r} (options: {known})"))
            elif not isinstance(value, allowed[key]) or isinstance(value, bool):
                errors.append(ContentError(name, *at("options"), f"option {key!r} has the wrong type"))
        if check == "code_block":
            for indicator in options.get("indicators", []):
                _compile(str(indicator), 0, name, at("options"), f"indicator {indicator!r}", errors)
    if len(errors) > before:
        return None
    examples = item.get("examples", {})
    line, column = item.mark
    return DetectorSpec(
        id=item["id"], label=item["label"], category=item["category"], domain=item["domain"],
        sensitivity=Sensitivity(item["sensitivity"]), kind=item["kind"], terms=terms,
        pattern=item.get("pattern"), ignore_case=bool(item.get("ignore_case", False)),
        trigger=item.get("trigger"), trigger_words=tuple(item.get("trigger_words", [])),
        check=check, options=options,
        trigger_run=((item["trigger_run"]["characters"], item["trigger_run"]["length"])
                     if "trigger_run" in item else None),
        allow=frozenset(normalise(a) for a in item.get("allow", [])),
        examples_match=tuple(examples.get("match", [])), examples_no_match=tuple(examples.get("no_match", [])),
        help=" ".join(str(item.get("help", "")).split()), source=SourcePosition(name, line, column),
    )
