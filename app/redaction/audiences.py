"""Audiences and placeholders, from the content file ``schemas/audiences.yaml``.

An audience is a clearance: it sees every value whose sensitivity is at most
its ``sees`` level. The three audiences the product is built around
(``internal``, ``reviewers``, ``public``) must exist with their meaning
intact; labels, descriptions and placeholder wording are the lab's to change.
Placeholders are fixed strings — ``{domain}`` is the only substitution — so a
placeholder can never reveal how long the withheld text was.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from app.content.errors import ContentError, ContentErrors
from app.content.locate import content_path
from app.content.yaml_source import display_name, load_yaml_file, schema_errors
from app.model.fast_dataclass import dataclass
from app.model.outputs import CLEARANCE, NARROWEST_FIRST
from app.model.sensitivity import HAZARD_DOMAINS, Sensitivity
from app.model.spans import has_span_markup

_REQUIRED = {audience: CLEARANCE[audience] for audience in NARROWEST_FIRST}


@dataclass(frozen=True)
class Audience:
    id: str
    label: str
    sees: Sensitivity
    description: str

    def may_see(self, sensitivity: Sensitivity) -> bool:
        return sensitivity <= self.sees


@dataclass(frozen=True)
class Audiences:
    """Every audience, the domain names and the placeholder texts."""

    audiences: tuple[Audience, ...]
    domains: dict[str, str]
    placeholders: dict[str, str]

    def get(self, audience_id: str) -> Audience:
        for audience in self.audiences:
            if audience.id == audience_id:
                return audience
        known = ", ".join(a.id for a in self.audiences)
        raise KeyError(f"unknown audience {audience_id!r}; audiences are {known}")

    def ids(self) -> tuple[str, ...]:
        return tuple(a.id for a in self.audiences)

    def widest_seeing(self, sensitivity: Sensitivity) -> Audience:
        """The audience with the lowest clearance that still sees ``sensitivity``."""
        able = [a for a in self.audiences if a.may_see(sensitivity)]
        return min(able, key=lambda a: a.sees.rank)

    def domain_label(self, domain: str | None) -> str:
        return self.domains.get(domain or "other", domain or "other")

    def passage(self, domain: str) -> str:
        return self.placeholders["hazardous_passage"].replace("{domain}", self.domain_label(domain))

    def value(self, sensitivity: Sensitivity) -> str:
        key = "hazardous_value" if sensitivity >= Sensitivity.HAZARDOUS else "internal_value"
        return self.placeholders[key]

    def record(self, sensitivity: Sensitivity) -> str:
        key = "hazardous_record" if sensitivity >= Sensitivity.HAZARDOUS else "internal_record"
        return self.placeholders[key]

    def unchecked(self) -> str:
        return self.placeholders["unchecked_value"]


@cache
def _schema() -> dict[str, Any]:
    return json.loads((Path(__file__).resolve().parent.parent / "content" / "jsonschema"
                       / "audiences.schema.json").read_text(encoding="utf-8"))


def load_audiences(path: Path | None = None) -> Audiences:
    """The audiences file, checked; ContentErrors (``file:line:column``) if it is wrong."""
    if path is None:
        return _default()
    return _load(path)


@cache
def _default() -> Audiences:
    return _load(content_path("schemas", "audiences.yaml"))


def _explained(error: ContentError) -> ContentError:
    if "does not match" in error.message and "{" in error.message:
        return ContentError(error.file, error.line, error.column,
                            "a placeholder is fixed text: no {…} substitution except {domain}, once, in "
                            "hazardous_passage (so it can never reveal what it replaces)")
    return error


def _load(path: Path) -> Audiences:
    name = display_name(path)
    data = load_yaml_file(path, name)
    errors = [_explained(e) for e in schema_errors(data, _schema(), name)]
    if errors:
        raise ContentErrors(errors)
    audiences: list[Audience] = []
    for index, item in enumerate(data["audiences"]):
        line, column = data["audiences"].item_marks[index]
        if any(a.id == item["id"] for a in audiences):
            errors.append(ContentError(name, line, column, f"audience {item['id']!r} is defined twice"))
        expected = _REQUIRED.get(item["id"])
        sees = Sensitivity(item["sees"])
        if expected is not None and sees != expected:
            line, column = item.value_marks["sees"]
            errors.append(ContentError(name, line, column,
                                       f"audience {item['id']!r} must see {expected.value}, not {sees.value}"))
        audiences.append(Audience(item["id"], item["label"], sees, " ".join(item["description"].split())))
    missing = sorted(set(_REQUIRED) - {a.id for a in audiences})
    if missing:
        line, column = data.value_marks["audiences"]
        errors.append(ContentError(name, line, column, f"missing audience(s): {', '.join(missing)}"))
    placeholders = dict(data["placeholders"])
    for key, text in placeholders.items():
        if has_span_markup(text):
            line, column = data["placeholders"].value_marks[key]
            errors.append(ContentError(name, line, column,
                                       f"placeholder {key!r} looks like hazard-span markup; reword it"))
    if errors:
        raise ContentErrors(errors)
    domains = {domain: data["domains"][domain] for domain in HAZARD_DOMAINS}
    return Audiences(tuple(audiences), domains, placeholders)
