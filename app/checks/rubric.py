"""The best-practice rubric: a score out of 100 with its breakdown per item.

Each item is worth its share of its section's weight (e.g. 6 of 26 points of
the 60 for measuring threats = 13.8). An item is measured by one or more
parts, each giving a fraction between 0 and 1; the item earns its value times
the weighted mean of its parts. How each item's words become parts is written
in the rubric file (``reading``), so a reader can disagree with it precisely.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from itertools import repeat
from typing import Any

from app.checks.evidence import CEL_ERRORS
from app.checks.facts import Facts, filled
from app.checks.findings import UNSAID, Finding, ItemScore, PartScore, SectionScore, Score
from app.content.framework_conditions import run
from app.content.framework_spec import Condition, ScoreItem, ScorePart
from app.model.document import Record
from app.model.labelled import EMPTY, Labelled, fixed, join, template

FULL = 0.9995
PASSING = ("satisfied", "warning")


def score_item(item: ScoreItem, facts: Facts, rule_findings: Mapping[str, Sequence[Finding]]) -> ItemScore:
    parts = tuple(PartScore(part.label, *_measure(part, facts, rule_findings), weight=part.weight)
                  for part in item.parts)
    total_weight = sum(p.weight for p in parts) or 1.0
    fraction = sum(p.fraction * p.weight for p in parts) / total_weight
    return ItemScore(item.id, item.title, item.stage, item.value, item.value * fraction, fraction, parts,
                     item.reading)


def item_finding(item: ScoreItem, scored: ItemScore, messages: bool = True) -> Finding:
    if not messages:
        return Finding(item.id, "satisfied" if scored.fraction >= FULL else "warning", item.stage, _address(item),
                       UNSAID, item.citation, item.title)
    earned = fixed(f"{scored.earned:.1f} of {scored.value:.1f} points")
    title = fixed(item.title)
    if scored.fraction >= FULL:
        return Finding(item.id, "satisfied", item.stage, _address(item),
                       template("{title}: full marks ({earned}).", title=title, earned=earned), item.citation,
                       item.title)
    short = join("; ", (template("{label} {share}{note}", label=fixed(p.label), share=fixed(f"{p.fraction:.0%}"),
                                 note=template(" ({note})", note=p.why) if p.why else fixed(""))
                        for p in scored.parts if p.fraction < FULL))
    return Finding(item.id, "warning", item.stage, _address(item), template(
        "{title}: {earned} ({share}). Short of full marks: {short}.", title=title, earned=earned,
        share=fixed(f"{scored.fraction:.0%}"), short=short), item.citation, item.title)


def _address(item: ScoreItem) -> str:
    """Where the item's evidence starts: the first field or table its first part reads."""
    for part in item.parts:
        if part.fields:
            return part.fields[0]
        if part.table:
            return part.table
        plain = sorted(dep for dep in part.depends if "[]" not in dep and "." in dep)
        if plain:
            return plain[0]
    return item.stage


def total(sections: Sequence[tuple[str, str, float, Sequence[ItemScore]]]) -> Score:
    built = tuple(SectionScore(sid, title, weight, sum(i.earned for i in items), tuple(items))
                  for sid, title, weight, items in sections)
    return Score(sum(s.earned for s in built), built)


def _measure(part: ScorePart, facts: Facts,
             rule_findings: Mapping[str, Sequence[Finding]]) -> tuple[float, Labelled]:
    """The part's fraction, and what is missing from it in words (empty at full marks).

    The fraction is the verdict, and public like every verdict; the names are
    the rubric's own words for the parts of it that fall short.
    """
    said = facts.messages  # a counts-only check scores without naming what falls short
    if part.kind == "filled":
        by_path = {path: _filled_fraction(path, facts) for path in part.fields}
        if not said:
            return _mean(list(by_path.values())), EMPTY
        short = [fixed(facts.index.label(path)) for path, share in by_path.items() if share < FULL]
        return _mean(list(by_path.values())), _missing("short", short)
    if part.kind == "covers":
        assert part.table is not None
        covered = _covered(facts.doc.records(part.table), set(part.categories), facts)
        absent = [c for c in part.categories if c not in covered]
        if not said:
            return 1 - len(absent) / len(part.categories), EMPTY
        # Which categories are short is the verdict the fraction states; the names are the rubric's own words.
        names = [fixed(facts.framework.category(c).label) for c in absent]  # type: ignore[union-attr]
        return 1 - len(absent) / len(part.categories), _missing("none for", names)
    if part.kind in ("any_record", "all_records"):
        assert part.table is not None
        records = facts.doc.records(part.table)
        shares = [_share(condition, records, facts, every=part.kind == "all_records")
                  for condition in part.conditions]
        if not said:
            return _mean(shares), EMPTY
        labels = part.condition_labels or tuple(c.source for c in part.conditions)
        unmet = [fixed(label) for label, share in zip(labels, shares, strict=True) if share < FULL]
        return _mean(shares), _missing("not met", unmet)
    if part.kind == "expression":
        assert part.expression is not None
        try:
            value = run(part.expression, facts.context_for(part.expression))
        except CEL_ERRORS:
            return 0.0, fixed("cannot be worked out")
        return min(1.0, max(0.0, float(value))), EMPTY
    failing = [fixed(rule_id) for rule_id in part.rules
               if not all(f.severity in PASSING for f in rule_findings.get(rule_id, ()))]
    return 1 - len(failing) / len(part.rules), _missing("not kept", failing)


def _covered(records: Sequence[Record], wanted: set[str], facts: Facts) -> set[str]:
    """The ``wanted`` categories some record names. Each different answer is looked up once: a large
    evaluations table has hundreds of records naming a dozen categories, and a category none names
    means reading every record."""
    answers: Iterable[Any]
    try:
        answers = set(map(Record.get, records, repeat("category")))
    except TypeError:  # an answer that is not an id at all (unhashable): each is looked up as it comes
        answers = map(Record.get, records, repeat("category"))
    covered: set[str] = set()
    for answer in answers:
        category = facts.category(answer)
        if category is not None and category.id in wanted:
            covered.add(category.id)
            if len(covered) == len(wanted):
                break  # every category the part names is covered: the answers left change nothing
    return covered


def _share(condition: Condition, records: Sequence[Record], facts: Facts, every: bool) -> float:
    """For ``every``, the share of records meeting the condition; else 1 if any record does."""
    if not records:
        return 0.0  # no evidence earns no credit
    met = 0
    for record in records:
        try:
            hit = run(condition, facts.record_context(condition, record)) is True
        except CEL_ERRORS:
            hit = False
        if hit and not every:
            return 1.0
        met += hit
    return met / len(records) if every else 0.0


def _missing(what: str, names: Sequence[Labelled]) -> Labelled:
    return template("{what}: {names}", what=fixed(what), names=join(", ", names)) if names else EMPTY


def _filled_fraction(path: str, facts: Facts) -> float:
    spec = facts.index.spec(path)
    if spec.is_table:
        return 1.0 if facts.doc.records(path) else 0.0
    if spec.table is None:
        return 1.0 if filled(facts.doc.get(path)) else 0.0
    records = facts.doc.records(spec.table)
    if not records:
        return 0.0
    return facts.filled_in(spec.table, path.split("[].", 1)[1]) / len(records)


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0
