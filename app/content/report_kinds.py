"""Report kinds: the documents regimes ask for, as content in ``reports/kinds/``.

A compliance lead does not publish "a report": SB 53 asks for a transparency
report, the EU code for a Safety and Security Model Report, Anthropic's RSP v3
for a Risk Report. Each kind is one YAML file listing the sections the source
requires, in its order, each with the citation it comes from and the
assessment fields it draws on. Loading checks every file against
``report_kind.schema.json`` and every field path against the forms, and
reports a mistake as ``reports/kinds/FILE.yaml:LINE:COLUMN: message``.

A kind becomes a report layout (``ReportKind.layout``) that the ordinary
report builder follows, so every kind goes through the same audience filter,
labels, writers and output leak scan as the assessment report. The built-in
kind ``assessment`` is ``reports/layout.yaml`` itself.

``has_evidence`` decides whether a section has anything to say; a section
that does not is flagged in the report itself and, for the regimes that call
for the document, in ``riskwright check`` and the Findings panel
(``app.checks.documents``).
"""

from __future__ import annotations

import json
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

from app.content.errors import ContentError, ContentErrors
from app.content.forms import STAGES, load_forms
from app.content.locate import content_path
from app.content.report_layout import (
    AUDIENCES, INTERNAL_ONLY_KINDS, AudienceLayout, ReportLayout, SectionLayout, TableLayout, load_layout,
)
from app.content.yaml_source import MarkedDict, display_name, load_yaml_file, schema_errors
from app.model.document import Document
from app.model.fast_dataclass import dataclass
from app.model.forms import FormSet

ASSESSMENT = "assessment"
"""The built-in kind: the full assessment report of ``reports/layout.yaml``."""
_DEFAULT_AUDIENCES = {"redaction_log": ("internal",), "redaction_summary": ("public", "reviewers")}
_CHART_KINDS = frozenset({"fields", "summary", "stage"})


@dataclass(frozen=True)
class KindSource:
    title: str
    url: str
    version: str
    checked: str
    note: str = ""


@dataclass(frozen=True)
class KindSection:
    id: str
    title: str
    kind: str
    cite: str
    verified: bool
    requirement: str
    fields: tuple[str, ...]
    evidence: tuple[str, ...]
    """Paths that count as evidence; empty when the section is not checked for evidence."""
    charts: tuple[str, ...]
    tables: dict[str, TableLayout]
    audiences: tuple[str, ...]


@dataclass(frozen=True)
class KindLayout(ReportLayout):
    """A kind's layout: besides its sections, the regime that asks for the document.

    The cover of a regime's document gives the result against that regime (``regime_ids``, the
    framework files of ``called_for_by``), not against the assessment's own framework: an SB 53
    transparency report that showed "Compliant" against a lab's policy would read as SB 53's verdict.
    """

    regime: str = ""
    """The regime as the kind file names it (content, never a document value)."""
    regime_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReportKind:
    id: str
    title: str
    short_name: str
    regime: str
    source: KindSource
    called_for_by: tuple[str, ...]
    offered_for: tuple[str, ...] | str
    intro: str
    sections: tuple[KindSection, ...]
    file: str = ""

    def required_by(self, regimes: list[str] | tuple[str, ...]) -> bool:
        """Whether one of ``regimes`` asks for this document (missing evidence is then a finding)."""
        return any(r in self.called_for_by for r in regimes)

    def offered(self, regimes: list[str] | tuple[str, ...]) -> bool:
        return self.offered_for == "all" or self.required_by(regimes) or any(r in self.offered_for for r in regimes)

    def citation(self, section: KindSection) -> str:
        cite = f"{self.source.title}, {section.cite}" if section.cite else self.source.title
        return cite if section.verified else f"{cite} (not verified in the source text)"

    def layout(self, base: ReportLayout) -> ReportLayout:
        """The report layout this kind follows (banners and tones from ``base``)."""
        about = SectionLayout("about", "fields", "About this document", self._about())
        sections: dict[str, SectionLayout] = {"about": about}
        for section in self.sections:
            intro = section.requirement
            if section.cite or not section.verified:
                where = f"Asked for by {self.citation(section)}."
                intro = f"{intro}\n\n*{where}*" if intro else f"*{where}*"
            sections[section.id] = replace(
                SectionLayout(section.id, section.kind, section.title, intro, section.charts, dict(section.tables)),
                fields=section.fields, evidence=section.evidence)
        audiences = {}
        for audience_id in AUDIENCES:
            listed = ["about"] + [s.id for s in self.sections if audience_id in s.audiences]
            banner = base.audiences[audience_id]
            audiences[audience_id] = AudienceLayout(audience_id, banner.banner, banner.tone, tuple(listed))
        return KindLayout(self.title, audiences, sections, self.regime, self.called_for_by)

    def _about(self) -> str:
        source = self.source
        text = (f"{self.intro} This document follows {source.title} ({source.version}); its sections were last "
                f"compared with that text on {source.checked}.")
        if any(not s.verified for s in self.sections):
            text += " Sections whose requirement could not be read in the source itself say so."
        return " ".join(text.split())


@dataclass(frozen=True)
class KindChoice:
    """A kind as the export dialog and the CLI list it."""

    id: str
    title: str
    regime: str
    required: bool = False
    short_name: str = ""


@cache
def _schema() -> dict[str, Any]:
    return json.loads((Path(__file__).parent / "jsonschema" / "report_kind.schema.json").read_text())


def kinds_folder() -> Path:
    return content_path("reports", "kinds")


def load_kinds(folder: Path | None = None, forms: FormSet | None = None) -> dict[str, ReportKind]:
    """Every kind in ``reports/kinds/`` by id, checked; raise ContentErrors listing every problem."""
    if folder is None and forms is None:
        return _default_kinds()
    return _load_kinds(folder or kinds_folder(), forms or load_forms())


@cache
def _default_kinds() -> dict[str, ReportKind]:
    return _load_kinds(kinds_folder(), load_forms())


def _load_kinds(folder: Path, forms: FormSet) -> dict[str, ReportKind]:
    kinds: dict[str, ReportKind] = {}
    errors: list[ContentError] = []
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        try:
            kind = load_kind_file(path, forms)
        except ContentErrors as found:
            errors.extend(found.errors)
            continue
        except ContentError as error:
            errors.append(error)
            continue
        kinds[kind.id] = kind
    if errors:
        raise ContentErrors(errors)
    return kinds


def load_kind_file(path: Path, forms: FormSet | None = None) -> ReportKind:
    forms = forms or load_forms()
    name = display_name(path)
    data = load_yaml_file(path, name)
    found = schema_errors(data, _schema(), name)
    if found:
        raise ContentErrors(found)
    errors: list[ContentError] = []
    if data["id"] == ASSESSMENT or data["id"] != path.stem:
        line, column = data.value_marks["id"]
        errors.append(ContentError(name, line, column,
                                   f"the id must be the file's name ({path.stem!r}) and not {ASSESSMENT!r}"))
    sections: list[KindSection] = []
    seen: set[str] = set()
    for item in data["sections"]:
        section = _section(item, forms, name, errors)
        if section.id in seen or section.id == "about":
            line, column = item.value_marks["id"]
            errors.append(ContentError(name, line, column, f"section id {section.id!r} is used twice or reserved"))
        seen.add(section.id)
        sections.append(section)
    if errors:
        raise ContentErrors(errors)
    source = data["source"]
    offered = data.get("offered_for", ())
    return ReportKind(
        id=data["id"], title=data["title"], short_name=data["short_name"], regime=data["regime"],
        source=KindSource(source["title"], source["url"], str(source["version"]), str(source["checked"]),
                          " ".join(source.get("note", "").split())),
        called_for_by=tuple(data.get("called_for_by", ())),
        offered_for=offered if offered == "all" else tuple(offered),
        intro=" ".join(data.get("intro", "").split()), sections=tuple(sections), file=name)


def _section(item: MarkedDict, forms: FormSet, name: str, errors: list[ContentError]) -> KindSection:
    kind = item.get("kind", "fields")

    def at(key: str) -> tuple[int, int]:
        return item.key_marks.get(key, item.mark)

    if kind == "stage" and item["id"] not in STAGES:
        errors.append(ContentError(name, *at("id"), f"a stage section's id must be a stage: {', '.join(STAGES)}"))
    if kind == "fields" and not item.get("fields"):
        errors.append(ContentError(name, *at("id"), "a fields section needs `fields`: the paths it shows"))
    if kind != "fields" and (item.get("fields") or item.get("evidence")):
        errors.append(ContentError(name, *at("fields" if "fields" in item else "evidence"),
                                   f"only fields sections list fields; this one is {kind}"))
    if item.get("charts") and kind not in _CHART_KINDS:
        errors.append(ContentError(name, *at("charts"), "charts go in fields, stage or summary sections"))
    for key in ("fields", "evidence"):
        paths = item.get(key, [])
        for index, path in enumerate(paths):
            problem = _path_problem(path, forms)
            if problem:
                line, column = paths.item_marks[index]
                errors.append(ContentError(name, line, column, problem))
    listed = set(item.get("fields", []))
    tables: dict[str, TableLayout] = {}
    for table, spec in item.get("tables", {}).items():
        line, column = item["tables"].key_marks[table]
        if table not in listed or not forms.has_field(table) or not forms.field(table).is_table:
            errors.append(ContentError(name, line, column, f"{table!r} is not a table listed under this section's "
                                                           f"fields"))
            continue
        leaves = {s.path.split("[].", 1)[1] for s in forms.record_leaves(table)}
        columns = spec["columns"]
        for index, column_id in enumerate(columns):
            if column_id not in leaves:
                at_line, at_column = columns.item_marks[index]
                errors.append(ContentError(name, at_line, at_column, f"{column_id!r} is not a field of {table}; "
                                                                     f"fields: {', '.join(sorted(leaves))}"))
        details = spec.get("details", True)
        if isinstance(details, list):
            for index, field_id in enumerate(details):
                if field_id not in leaves and not any(leaf.startswith(field_id + ".") for leaf in leaves):
                    at_line, at_column = spec["details"].item_marks[index]
                    errors.append(ContentError(name, at_line, at_column, f"{field_id!r} is not a field of {table}"))
        tables[table] = TableLayout(tuple(columns), None if details is True else tuple(details or ()))
    audiences = tuple(item.get("audiences", _DEFAULT_AUDIENCES.get(kind, AUDIENCES)))
    if kind in INTERNAL_ONLY_KINDS and audiences != ("internal",):
        errors.append(ContentError(name, *at("audiences"), f"a {kind} section lists what is withheld and may only "
                                                           f"go to the internal audience"))
    evidence = tuple(item.get("evidence", item.get("fields", []) if kind == "fields" else []))
    return KindSection(
        id=item["id"], title=item["title"], kind=kind, cite=item.get("cite", ""),
        verified=bool(item.get("verified", True)), requirement=" ".join(item.get("requirement", "").split()),
        fields=tuple(item.get("fields", [])), evidence=evidence, charts=tuple(item.get("charts", [])),
        tables=tables, audiences=audiences)


def _path_problem(path: str, forms: FormSet) -> str | None:
    if forms.has_field(path):
        return None
    if "[]." in path:
        table = path.split("[].", 1)[0]
        if forms.has_field(table) and forms.field(table).is_table:
            return (f"{path!r} is not a field of {table}; fields: "
                    f"{', '.join(sorted(s.path.split('[].', 1)[1] for s in forms.record_leaves(table)))}")
    return f"{path!r} is not a field of the forms (see forms/README.md for field paths)"


# -- which kinds an assessment gets (regimes from app.checks.regimes.regime_ids) ---------
def kind_choices(regimes: list[str] | tuple[str, ...], kinds: dict[str, ReportKind] | None = None
                 ) -> list[KindChoice]:
    """The kinds offered for an assessment under ``regimes``: the assessment report first, then the
    documents the regimes call for, then the ones offered to every assessment."""
    kinds = load_kinds() if kinds is None else kinds
    layout = load_layout()
    choices = [KindChoice(ASSESSMENT, layout.title, "the assessment itself")]
    offered = [k for k in kinds.values() if k.offered(regimes)]
    offered.sort(key=lambda k: (not k.required_by(regimes), k.title))
    choices += [KindChoice(k.id, k.title, k.regime, k.required_by(regimes), k.short_name) for k in offered]
    return choices


def layout_for_kind(kind_id: str, base: ReportLayout | None = None) -> ReportLayout:
    """The layout of ``kind_id``; KeyError naming the installed kinds for an unknown one."""
    base = base or load_layout()
    if kind_id == ASSESSMENT:
        return base
    kinds = load_kinds()
    if kind_id not in kinds:
        raise KeyError(f"unknown report kind {kind_id!r}; installed: {', '.join([ASSESSMENT, *sorted(kinds)])}")
    return kinds[kind_id].layout(base)


def kind_ids() -> list[str]:
    return [ASSESSMENT, *sorted(load_kinds())]


# -- evidence ----------------------------------------------------------------------------
def _filled(data: Any) -> bool:
    if data is None:
        return False
    if isinstance(data, str):
        return bool(data.strip())
    return True


def has_evidence(doc: Document, path: str, forms: FormSet) -> bool:
    """Whether ``path`` holds anything: a filled value, a group with one filled value, a table with a
    record, or (``table[].field``) a record whose field is filled."""
    if "[]." in path:
        table, relative = path.split("[].", 1)
        return any(_filled(record.get(relative)) for record in doc.records(table))
    spec = forms.field(path)
    if spec.is_table:
        return bool(doc.records(path))
    if spec.is_group:
        return any(has_evidence(doc, leaf, forms) for leaf in _leaf_paths(spec))
    value = doc.value(path)
    return value is not None and _filled(value.data)


def _leaf_paths(spec: Any) -> list[str]:
    found = []
    for child in spec.fields:
        if child.is_leaf:
            found.append(child.path)
        elif child.is_group:
            found.extend(_leaf_paths(child))
    return found


def missing_evidence(doc: Document, section: KindSection | SectionLayout, forms: FormSet) -> bool:
    """True when the section lists evidence and none of it is filled."""
    evidence = section.evidence
    return bool(evidence) and not any(has_evidence(doc, path, forms) for path in evidence)


__all__ = [
    "ASSESSMENT", "KindChoice", "KindLayout", "KindSection", "KindSource", "ReportKind", "has_evidence",
    "kind_choices", "kind_ids", "layout_for_kind", "load_kind_file", "load_kinds", "missing_evidence",
]
