"""The report's regime section: the regime x status matrix and the findings behind each cell.

Only an assessment whose header lists regimes (``header.regimes``) gets this
section; one checked against a single framework keeps the compliance section
alone. Each regime's findings are labelled like the compliance section's and
rendered for the edition's audience (``app.export.build.rendered_finding``); a
regime the header names with a value the audience may not see is left out
(its name, rules and citations would name it), and the per-incident deadline
table (incident ids, dates) is kept to the internal edition: a wider edition
says where to find it instead.
"""

from __future__ import annotations

from collections.abc import Iterable

from app.export.framework_view import plain_label
from app.export.labels import Renderer, concerns, rendered_finding
from app.export.report import Block, Cell, CheckedFinding, CheckOutcome, DataTable, Prose
from app.model.document import Document
from app.model.fast_dataclass import dataclass
from app.model.forms import FormSet
from app.model.sensitivity import Sensitivity
from app.model.validate import effective_sensitivity

_SEVERITIES = ("violation", "missing_evidence", "warning", "satisfied")
_KIND_LABEL = {"framework": "Lab framework", "law": "Law or code", "rubric": "Rubric"}


@dataclass(frozen=True)
class RegimeOutcome:
    id: str
    name: str
    kind: str
    version: str
    check: CheckOutcome
    deadlines: tuple[tuple[str, str, str, str], ...] = ()
    """(incident id, rule id, limit, severity) for each incident this regime's reporting rules cover."""
    sensitivity: Sensitivity = Sensitivity.PUBLIC
    """How sensitive the value naming this regime is (the header's regimes entry or its framework)."""
    withheld: int = 0
    """On the first outcome of a wider edition: how many regimes were left out of it."""


def regime_outcomes(doc: Document, forms: FormSet | None = None) -> tuple[RegimeOutcome, ...]:
    """One outcome per regime the header lists (installed ones only); empty when it lists none."""
    from app.checks.regimes import REGIMES_TABLE, check_regimes, regime_ids, unknown_regimes
    from app.content.forms import load_forms
    if not doc.records(REGIMES_TABLE):
        return ()
    forms = forms or load_forms()
    ids = regime_ids(doc)
    unknown = set(unknown_regimes(ids))
    checked = check_regimes(doc, [i for i in ids if i not in unknown])
    deadlines = checked.incident_deadlines(doc)
    outcomes = []
    for framework, result in zip(checked.frameworks, checked.results, strict=True):
        findings = tuple(
            CheckedFinding(rule_id=f.rule_id, severity=f.severity, stage=f.stage, address=f.address,
                           concerns=concerns(doc, forms, f.address), message=f.text,
                           citation=f.citation.label, citation_url=f.citation.url, rule_title=f.rule_title)
            for f in result.findings)
        mine = tuple((incident, d.rule_id, d.limit, d.severity) for incident, items in deadlines.items()
                     for d in items if d.regime == framework.id)
        outcomes.append(RegimeOutcome(framework.id, framework.name, framework.kind, framework.version,
                                      CheckOutcome(findings, result.status, None), mine,
                                      _naming_sensitivity(doc, forms, framework.id)))
    return tuple(outcomes)


def _naming_sensitivity(doc: Document, forms: FormSet, framework_id: str) -> Sensitivity:
    """The least sensitive value in the header's regimes naming ``framework_id`` (hazardous if none)."""
    from app.checks.regimes import REGIMES_TABLE
    table = forms.field(REGIMES_TABLE)
    field = forms.field(f"{REGIMES_TABLE}[].framework")
    found = []
    for record in doc.records(REGIMES_TABLE):
        value = record.values.get("framework")
        if value is None or value.data != framework_id:
            continue
        own = effective_sensitivity(field.sensitivity, value.sensitivity, value.sensitivity_reason)
        found.append(max(own, effective_sensitivity(table.sensitivity, record.sensitivity,
                                                    record.sensitivity_reason)))
    return min(found, default=Sensitivity.HAZARDOUS)


def regime_blocks(outcomes: tuple[RegimeOutcome, ...], render: Renderer,
                  colours: dict[str, str]) -> Iterable[Block]:
    audience = render.audience
    withheld = outcomes[0].withheld if outcomes else 0
    if withheld:
        many = withheld != 1
        yield Prose(f"{withheld} regime{'s' if many else ''} the assessment lists {'are' if many else 'is'} "
                    f"withheld from this edition, with {'their' if many else 'its'} findings.", tone="muted")
    if not any(o.id for o in outcomes):
        return
    outcomes = tuple(o for o in outcomes if o.id)
    worst = next((s for s in ("non_compliant", "incomplete") if any(o.check.status == s for o in outcomes)),
                 "compliant")
    yield Prose(f"Overall across **{len(outcomes)}** regimes: **{plain_label(worst)}** (the most serious "
                f"result of any regime).")
    rows = []
    for outcome in outcomes:
        counts = {s: sum(1 for f in outcome.check.findings if f.severity == s) for s in _SEVERITIES}
        status = outcome.check.status
        rows.append((Cell(outcome.name), Cell(_KIND_LABEL.get(outcome.kind, outcome.kind)),
                     Cell(plain_label(status), _tint(colours.get(_STATUS_SEVERITY[status]))),
                     *(Cell(str(counts[s]), align="right") for s in _SEVERITIES)))
    yield DataTable("Regime by status", ("Regime", "Kind", "Result", "Violations", "Missing evidence", "Warnings",
                                         "Satisfied"), tuple(rows), widths=(4.2, 1.8, 1.9, 1.3, 1.4, 1.3, 1.3))
    for outcome in outcomes:
        behind = [rendered_finding(render, f) for f in outcome.check.findings if f.severity != "satisfied"]
        if not behind:
            yield Prose(f"**{outcome.name}**: every rule satisfied.", tone="muted")
            continue
        yield DataTable(f"Behind the cells: {outcome.name}", ("Severity", "Rule", "Concerns", "Finding", "Source"),
                        tuple((Cell(plain_label(f.severity), _tint(colours.get(f.severity))), Cell(f.rule_id),
                               Cell(f.address or f.stage or ""), Cell(f.message), Cell(f.citation)) for f in behind),
                        widths=(1.5, 2.1, 2.7, 5.4, 2.8))
    deadline_rows = [(incident, outcome.name, limit, severity) for outcome in outcomes
                     for incident, _, limit, severity in outcome.deadlines]
    if not deadline_rows:
        return
    if audience != "internal":
        yield Prose("Each regime's reporting deadline per incident is listed in the internal edition.",
                    tone="muted")
        return
    yield DataTable("Incident reporting deadlines by regime", ("Incident", "Regime", "Within", "Result"),
                    tuple((Cell(incident), Cell(name), Cell(limit),
                           Cell(_DEADLINE_WORDS.get(severity, plain_label(severity)), _tint(colours.get(severity))))
                          for incident, name, limit, severity in sorted(deadline_rows)),
                    widths=(1.5, 4.5, 1.5, 1.8))


def regimes_for_audience(outcomes: tuple[RegimeOutcome, ...], sees: Sensitivity,
                         keep_links: bool) -> tuple[RegimeOutcome, ...]:
    """The regimes a wider edition may name (with source URLs only ``keep_links``); how many were left
    out rides on the first (a nameless stand-in when none is left)."""
    from dataclasses import replace
    kept = []
    for outcome in outcomes:
        if outcome.sensitivity > sees:
            continue
        findings = outcome.check.findings if keep_links else tuple(
            replace(f, citation_url="") for f in outcome.check.findings)
        kept.append(replace(outcome, check=replace(outcome.check, findings=findings)))
    left_out = len(outcomes) - len(kept)
    if left_out and kept:
        kept[0] = replace(kept[0], withheld=left_out)
    elif left_out:
        kept = [RegimeOutcome("", "", "", "", CheckOutcome((), "compliant"), withheld=left_out)]
    return tuple(kept)


_STATUS_SEVERITY = {"non_compliant": "violation", "incomplete": "missing_evidence", "compliant": "satisfied"}
_DEADLINE_WORDS = {"violation": "Late", "missing_evidence": "Cannot tell", "warning": "Warning",
                   "satisfied": "On time"}


def _tint(colour: str | None) -> str | None:
    if colour is None:
        return None
    red, green, blue = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(v + (255 - v) * 0.8):02x}" for v in (red, green, blue))
