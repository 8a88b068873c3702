"""The best-practice rubric: a score out of 100 with its breakdown per item.

Each item is worth its share of its section's weight (e.g. 6 of 26 points of
the 60 for measuring threats = 13.8). An item is measured by one or more
parts, each giving a fraction between 0 and 1; the item earns its value times
the weighted mean of its parts. How each item's words become parts is written
in the rubric file (``reading``), so a reader can disagree with it precisely.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from app.checks.evidence import CEL_ERRORS
from app.checks.facts import Facts, filled
from app.checks.findings import Finding, ItemScore, PartScore, SectionScore, Score
from app.content.framework_conditions import run
from app.content.framework_spec import ScoreItem, ScorePart

FULL = 0.9995
PASSING = ("satisfied", "warning")


def score_item(item: ScoreItem, facts: Facts, rule_findings: Mapping[str, Sequence[Finding]]) -> ItemScore:
    parts = tuple(PartScore(part.label, _measure(part, facts, rule_findings), part.weight) for part in item.parts)
    total_weight = sum(p.weight for p in parts) or 1.0
    fraction = sum(p.fraction * p.weight for p in parts) / total_weight
    return ItemScore(item.id, item.title, item.stage, item.value, item.value * fraction, fraction, parts,
                     item.reading)


def item_finding(item: ScoreItem, scored: ItemScore) -> Finding:
    earned = f"{scored.earned:.1f} of {scored.value:.1f} points"
    if scored.fraction >= FULL:
        return Finding(item.id, "satisfied", item.stage, _address(item), f"{item.title}: full marks ({earned}).",
                       item.citation, item.title)
    short = "; ".join(f"{p.label} {p.fraction:.0%}" for p in scored.parts if p.fraction < FULL)
    return Finding(item.id, "warning", item.stage, _address(item),
                   f"{item.title}: {earned} ({scored.fraction:.0%}). Short of full marks: {short}.",
                   item.citation, item.title)


def _address(item: ScoreItem) -> str:
    for part in item.parts:
        if part.fields:
            return part.fields[0]
        if part.table:
            return part.table
    return item.stage


def total(sections: Sequence[tuple[str, str, float, Sequence[ItemScore]]]) -> Score:
    built = tuple(SectionScore(sid, title, weight, sum(i.earned for i in items), tuple(items))
                  for sid, title, weight, items in sections)
    return Score(sum(s.earned for s in built), built)


def _measure(part: ScorePart, facts: Facts, rule_findings: Mapping[str, Sequence[Finding]]) -> float:
    if part.kind == "filled":
        return _mean([_filled_fraction(path, facts) for path in part.fields])
    if part.kind == "covers":
        assert part.table is not None
        covered = set()
        for record in facts.doc.records(part.table):
            category = facts.framework.category(record.get("category"))
            if category is not None:
                covered.add(category.id)
        return sum(1 for c in part.categories if c in covered) / len(part.categories)
    if part.kind == "any_record":
        assert part.table is not None
        records = facts.doc.records(part.table)
        met = 0
        for condition in part.conditions:
            for record in records:
                try:
                    if run(condition, facts.record_context(condition, record)) is True:
                        met += 1
                        break
                except CEL_ERRORS:
                    continue
        return met / len(part.conditions)
    if part.kind == "all_records":
        assert part.table is not None
        records = facts.doc.records(part.table)
        if not records:
            return 0.0  # no evidence earns no credit
        shares = []
        for condition in part.conditions:
            met = 0
            for record in records:
                try:
                    met += run(condition, facts.record_context(condition, record)) is True
                except CEL_ERRORS:
                    continue
            shares.append(met / len(records))
        return _mean(shares)
    if part.kind == "expression":
        assert part.expression is not None
        try:
            value = run(part.expression, facts.context)
        except CEL_ERRORS:
            return 0.0
        return min(1.0, max(0.0, float(value)))
    passed = sum(1 for rule_id in part.rules
                 if all(f.severity in PASSING for f in rule_findings.get(rule_id, ())))
    return passed / len(part.rules)


def _filled_fraction(path: str, facts: Facts) -> float:
    spec = facts.index.spec(path)
    if spec.is_table:
        return 1.0 if facts.doc.records(path) else 0.0
    if spec.table is None:
        return 1.0 if filled(facts.doc.get(path)) else 0.0
    records = facts.doc.records(spec.table)
    if not records:
        return 0.0
    relative = path.split("[].", 1)[1]
    return sum(1 for r in records if filled(r.get(relative))) / len(records)


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0
