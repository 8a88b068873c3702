"""The leak property for every report kind (reports/kinds/), in every format including DOCX.

The generated assessments, disguised canaries and channel readers are those of
``test_export_leak_property`` (the leak property of the assessment report).
Each example here draws one kind and one format: the public edition of that
kind may hold no canary in any channel, and its internal edition must hold
every canary placed in a field the kind shows — a kind shows only the fields
its sections list, so a checkpoint title, say, is only expected in the kinds
that list the training checkpoints. Shrinking is off: a failing example is
printed as generated (shrinking these documents takes minutes).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from profiles import examples

from app.content.forms import load_forms
from app.content.report_kinds import load_kinds
from app.export.formats import writer_for
from app.export.pipeline import build_for_audience
from test_export_leak_property import STYLES, _found, assessments

EXAMPLES = int(os.environ.get("RISKWRIGHT_LEAK_EXAMPLES", examples(40, normal=12)))
FORMATS = ("pdf", "md", "html", "json", "docx")
PLACES = {
    "model name": ("header.model.name", None), "checkpoint title": ("training.checkpoints", "name"),
    "evaluation title": ("pre_deployment.evaluations", "name"),
    "list item": ("pre_deployment.evaluations", "description"),
    "table cell": ("pre_deployment.evaluations", "description"),
    "hazardous field": ("pre_deployment.evaluations", "task_details"),
    "raised field": ("pre_deployment.evaluations", "metric"),
    "hazardous record": ("pre_deployment.evaluations", "description"),
    "determination": ("pre_deployment.determinations", "rationale"),
    "justification": ("deployment_decision.justification", None), "internal field": ("header.assessors", None),
}
"""Where each canary of the shared strategy sits: the field, or the table and the record field."""


def _shown(kind_id: str) -> set[tuple[str, str | None]]:
    """(field, None) and (table, record field) pairs a kind shows, plus the model name every cover shows."""
    forms = load_forms()
    shown: set[tuple[str, str | None]] = {("header.model.name", None)}
    for section in load_kinds()[kind_id].sections:
        for path in section.fields:
            if not forms.has_field(path):
                continue
            spec = forms.field(path)
            if spec.is_group:
                shown |= {(leaf.path, None) for leaf in spec.fields}
            elif spec.is_table:
                leaves = {leaf.path.split("[].", 1)[1] for leaf in forms.record_leaves(path)}
                layout = section.tables.get(path)
                if layout is None or layout.details is None:
                    shown |= {(path, leaf) for leaf in leaves}
                else:
                    shown |= {(path, leaf) for leaf in leaves if leaf in layout.columns
                              or leaf.split(".", 1)[0] in layout.details}
            else:
                shown.add((path, None))
    return shown


@settings(max_examples=EXAMPLES, deadline=None, derandomize=False, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(case=assessments(), kind=st.sampled_from(sorted(load_kinds())), fmt=st.sampled_from(FORMATS))
def test_no_public_kind_holds_a_canary_and_the_internal_one_holds_all_it_shows(case, kind: str, fmt: str) -> None:
    doc, canaries = case
    public = writer_for(fmt, STYLES).write(build_for_audience(doc, "public", kind=kind))
    leaked = _found(public, fmt, canaries)
    assert not leaked, f"public {kind} {fmt} leaks: " + "; ".join(
        f"{canaries[w][1]} canary in {sorted(c)}" for w, c in leaked.items())
    internal = writer_for(fmt, STYLES).write(build_for_audience(doc, "internal", kind=kind))
    seen = _found(internal, fmt, canaries)
    shown = _shown(kind)
    expected = [w for w, (_, where) in canaries.items() if PLACES[where] in shown]
    missing = [canaries[w][1] for w in expected if w not in seen]
    assert not missing, f"positive control: the internal {kind} {fmt} reader missed the canaries in {missing}"
