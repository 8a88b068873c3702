"""Load and check the report layout and styles in ``reports/``.

The layout is content a compliance lead edits: which sections each audience
gets and how tables are laid out. A mistake is reported as
``reports/layout.yaml:LINE:COLUMN: message`` and never reaches a writer, so a
typo cannot, for example, give the public edition the internal redaction log.
"""

from __future__ import annotations

import json
from dataclasses import field
from functools import cache
from pathlib import Path
from typing import Any

from app.content.errors import ContentError, ContentErrors
from app.content.forms import STAGES, load_forms
from app.content.locate import content_path
from app.content.yaml_source import display_name, load_yaml_file, MarkedDict, schema_errors
from app.model.fast_dataclass import dataclass
from app.model.outputs import NARROWEST_FIRST
from app.model.forms import FormSet

AUDIENCES: tuple[str, ...] = NARROWEST_FIRST
INTERNAL_ONLY_KINDS = frozenset({"redaction_log"})
"""Section kinds that describe what is withheld in detail: never for a wider audience."""


@dataclass(frozen=True)
class TableLayout:
    columns: tuple[str, ...]
    """Record-relative field paths shown as overview columns, in order."""
    details: tuple[str, ...] | None = None
    """Record fields shown in each record's entry below the table (report kinds): None for every field
    that is not a column, () for none (the overview table alone)."""


@dataclass(frozen=True)
class SectionLayout:
    id: str
    kind: str
    title: str | None
    intro: str
    charts: tuple[str, ...] = ()
    tables: dict[str, TableLayout] = field(default_factory=dict)
    fields: tuple[str, ...] = ()
    """Field, group and table paths a ``fields`` section shows (report kinds, ``app.content.report_kinds``)."""
    evidence: tuple[str, ...] = ()
    """Paths of which at least one must be filled, or the section says it has no evidence."""


@dataclass(frozen=True)
class AudienceLayout:
    id: str
    banner: str
    tone: str
    sections: tuple[str, ...]


@dataclass(frozen=True)
class ReportLayout:
    title: str
    audiences: dict[str, AudienceLayout]
    sections: dict[str, SectionLayout]

    def sections_for(self, audience: str) -> list[SectionLayout]:
        return [self.sections[s] for s in self.audiences[audience].sections]


@dataclass(frozen=True)
class TextSize:
    size: float
    leading: float


@dataclass(frozen=True)
class ReportStyles:
    page_size: str
    margins_mm: dict[str, float]
    type: dict[str, TextSize]
    colours: dict[str, str]
    banners: dict[str, dict[str, str]]
    ladder: tuple[str, ...]
    severities: dict[str, str]
    statuses: dict[str, str]
    series: tuple[str, ...]


@cache
def _schema(name: str) -> dict[str, Any]:
    return json.loads((Path(__file__).parent / "jsonschema" / name).read_text())



def load_layout(path: Path | None = None, forms: FormSet | None = None) -> ReportLayout:
    """The report layout, checked; raise ContentErrors listing every problem."""
    if path is None and forms is None:
        return _default_layout()
    return _load_layout(path or content_path("reports", "layout.yaml"), forms or load_forms())


@cache
def _default_layout() -> ReportLayout:
    return _load_layout(content_path("reports", "layout.yaml"), load_forms())


def _load_layout(path: Path, forms: FormSet) -> ReportLayout:
    name = display_name(path)
    data = load_yaml_file(path, name)
    found = schema_errors(data, _schema("report_layout.schema.json"), name)
    if found:
        raise ContentErrors(found)
    errors: list[ContentError] = []
    sections = {sid: _section(sid, item, forms, name, errors) for sid, item in data["sections"].items()}
    audiences: dict[str, AudienceLayout] = {}
    for audience_id in AUDIENCES:
        item: MarkedDict = data["audiences"][audience_id]
        listed = item["sections"]
        for index, section_id in enumerate(listed):
            line, column = listed.item_marks[index]
            section = sections.get(section_id)
            if section is None:
                errors.append(ContentError(name, line, column,
                                           f"section {section_id!r} is not defined under sections"))
            elif section.kind in INTERNAL_ONLY_KINDS and audience_id != "internal":
                errors.append(ContentError(
                    name, line, column,
                    f"a {section.kind} section lists what is withheld and may only go to the internal "
                    f"audience, not to {audience_id}"))
        audiences[audience_id] = AudienceLayout(audience_id, item["banner"], item["tone"], tuple(listed))
    if errors:
        raise ContentErrors(errors)
    return ReportLayout(data["title"], audiences, sections)


def _section(section_id: str, item: MarkedDict, forms: FormSet, name: str,
             errors: list[ContentError]) -> SectionLayout:
    kind = item["kind"]
    if kind == "stage" and section_id not in STAGES:
        line, column = item.mark
        errors.append(ContentError(name, line, column,
                                   f"a stage section's id must be a stage: one of {', '.join(STAGES)}"))
    tables: dict[str, TableLayout] = {}
    for table, spec in item.get("tables", {}).items():
        line, column = item["tables"].key_marks[table]
        if kind != "stage":
            errors.append(ContentError(name, line, column, "only stage sections lay out tables"))
            continue
        if not table.startswith(f"{section_id}.") or not forms.has_field(table) \
                or not forms.field(table).is_table:
            errors.append(ContentError(name, line, column,
                                       f"{table!r} is not a table of the {section_id} form"))
            continue
        leaves = {s.path.split("[].", 1)[1] for s in forms.record_leaves(table)}
        columns = spec["columns"]
        for index, column_id in enumerate(columns):
            if column_id not in leaves:
                at = columns.item_marks[index]
                errors.append(ContentError(name, at[0], at[1],
                                           f"{column_id!r} is not a field of {table}; fields: "
                                           f"{', '.join(sorted(leaves))}"))
        tables[table] = TableLayout(tuple(columns))
    if item.get("charts") and kind not in ("stage", "summary"):
        line, column = item.key_marks["charts"]
        errors.append(ContentError(name, line, column, "charts go in stage or summary sections"))
    return SectionLayout(section_id, kind, item.get("title"), " ".join(item.get("intro", "").split()),
                         tuple(item.get("charts", ())), tables)


def load_styles(path: Path | None = None) -> ReportStyles:
    if path is None:
        return _default_styles()
    return _load_styles(path)


@cache
def _default_styles() -> ReportStyles:
    return _load_styles(content_path("reports", "styles.yaml"))


def _load_styles(path: Path) -> ReportStyles:
    name = display_name(path)
    data = load_yaml_file(path, name)
    found = schema_errors(data, _schema("report_styles.schema.json"), name)
    if found:
        raise ContentErrors(found)
    return ReportStyles(
        page_size=data["page"]["size"],
        margins_mm={k: float(v) for k, v in data["page"]["margin_mm"].items()},
        type={k: TextSize(float(v["size"]), float(v["leading"])) for k, v in data["type"].items()},
        colours=dict(data["colours"]),
        banners={k: dict(v) for k, v in data["banners"].items()},
        ladder=tuple(data["ladder"]),
        severities=dict(data["severities"]),
        statuses=dict(data["statuses"]),
        series=tuple(data["series"]),
    )
