"""The several-regimes check as text and JSON (``riskwright check`` on an assessment naming regimes).

Text: the overall status, the regime x status matrix, each incident's deadline
under every regime side by side, then each regime's findings in the usual
single-framework layout, which are the findings behind the matrix's cells.
JSON (``format`` 2): ``{file, format, status, matrix: [{id, name, kind,
version, status, counts, findings: {severity: [{rule_id, address, message}]}}],
incident_deadlines: {incident id: [{regime, rule_id, severity, limit,
message}]}, regimes: [the single-framework JSON of each regime]}``.
"""

from __future__ import annotations

import json
from typing import Any

from app.checks.regimes import MATRIX_COLUMNS, Deadline, RegimeCheck
from app.checks.render import render_text
from app.model.forms import FormSet

JSON_FORMAT_VERSION = 2
_HEAD = {"violation": "violations", "missing_evidence": "missing", "warning": "warnings", "satisfied": "satisfied"}


def _status(status: str) -> str:
    return status.replace("_", "-").upper()


def render_matrix(check: RegimeCheck) -> list[str]:
    rows = check.matrix()
    width = max([len(row["id"]) for row in rows] + [6])
    heads = " ".join(f"{_HEAD[c]:>10}" for c in MATRIX_COLUMNS)
    lines = [f"  {'regime':<{width}}  {'kind':<9} {'status':<14} {heads}"]
    for row in rows:
        counts = " ".join(f"{row['counts'][c]:>10}" for c in MATRIX_COLUMNS)
        lines.append(f"  {row['id']:<{width}}  {row['kind']:<9} {_status(row['status']):<14} {counts}")
    return lines


def render_deadlines(deadlines: dict[str, list[Deadline]]) -> list[str]:
    if not deadlines:
        return []
    lines = ["", "Incident reporting deadlines, each regime's own clock for the same incident:"]
    mark = {"violation": "LATE", "missing_evidence": "MISSING", "warning": "WARNING", "satisfied": "on time"}
    for record_id, items in deadlines.items():
        lines.append(f"  {record_id}:")
        for item in items:
            lines.append(f"    {item.regime:<34} within {item.limit:<9} {mark.get(item.severity, item.severity):<8} "
                         f"[{item.rule_id}]")
            if item.severity != "satisfied":
                lines.append(f"      {item.message}")
    return lines


def render_regimes_text(check: RegimeCheck, deadlines: dict[str, list[Deadline]], forms: FormSet,
                        file_name: str = "", show_all: bool = False) -> str:
    lines = [f"Checked {file_name or 'the assessment'} against {len(check.results)} regimes",
             f"Overall status: {_status(check.status)} (the most serious of the regimes below)", "",
             "Regime x status (findings per severity; each regime's findings follow):", *render_matrix(check)]
    lines += render_deadlines(deadlines)
    text = "\n".join(lines) + "\n"
    for result in check.results:
        text += "\n" + "=" * 78 + "\n" + render_text(result, forms, file_name, show_all)
    return text


def regimes_json(check: RegimeCheck, deadlines: dict[str, list[Deadline]], file_name: str = "") -> dict[str, Any]:
    matrix = []
    for row in check.matrix():
        matrix.append({**{k: row[k] for k in ("id", "name", "kind", "version", "status", "counts")},
                       "findings": {severity: [{"rule_id": f.rule_id, "address": f.address, "message": f.message}
                                               for f in found] for severity, found in row["findings"].items()}})
    return {"file": file_name, "format": JSON_FORMAT_VERSION, "status": check.status, "matrix": matrix,
            "incident_deadlines": {record_id: [{"regime": d.regime, "rule_id": d.rule_id, "severity": d.severity,
                                                "limit": d.limit, "message": d.message} for d in items]
                                   for record_id, items in deadlines.items()},
            "regimes": [result.to_json() for result in check.results]}


def render_regimes_json(check: RegimeCheck, deadlines: dict[str, list[Deadline]], file_name: str = "") -> str:
    return json.dumps(regimes_json(check, deadlines, file_name), indent=2, ensure_ascii=False) + "\n"
