"""One plain sentence where a chart cannot be drawn: withheld, or not recorded — and which values.

"Not shown — the values it plots are not recorded or are withheld" leaves the
reader to guess which. The report knows: the audience filter lists what it
withheld, so the sentence names the withheld fields by their labels, or says
what the assessment would have to record for the chart to appear. Field labels
are the form's own words, never values, so nothing withheld is repeated.
"""

from __future__ import annotations

from app.model.forms import FormSet
from app.model.paths import Address

PLOTTED: dict[str, tuple[str, ...]] = {
    "scorecard": ("pre_deployment.determinations[].pre_mitigation_level",
                  "pre_deployment.determinations[].post_mitigation_level"),
    "evaluation_scores": ("training.checkpoints[].effective_compute_flop", "pre_training.planned_compute_flop",
                          "pre_deployment.evaluations[].effective_compute_flop",
                          "pre_deployment.evaluations[].score", "pre_deployment.evaluations[].threshold"),
    "reassessment_timeline": ("deployment.reassessments[].date", "deployment.reassessment_interval_months"),
}
"""The fields each chart is drawn from (``app.export.charts``)."""

NEEDS = {
    "scorecard": "a level before or after mitigation for a risk category of the framework",
    "evaluation_scores": "an evaluation with a score and a threshold, and the effective compute of training",
    "reassessment_timeline": "dated re-assessments since deployment and the interval they must keep to",
}


def chart_left_out(chart_id: str, title: str, forms: FormSet, withheld_values: set[str]) -> str:
    """The sentence that stands where the chart would be (Markdown, for a muted paragraph)."""
    plotted = PLOTTED.get(chart_id, ())
    withheld_fields = set()
    for address in withheld_values:
        try:
            withheld_fields.add(Address.parse(address).field)
        except ValueError:
            continue
    # Whole withheld records are left aside: the chart is drawn from the records that remain.
    hidden = [path for path in plotted if path in withheld_fields]
    name = title[0].lower() + title[1:]
    if hidden:
        labels = list(dict.fromkeys(_label(forms, path) for path in hidden))
        joined = labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]
        return f"No chart of {name} in this edition: the values it is drawn from ({joined}) are withheld."
    return f"No chart of {name}: it needs {NEEDS.get(chart_id, 'values the assessment does not record')}."


def _label(forms: FormSet, path: str) -> str:
    if forms.has_field(path):
        return forms.field(path).label
    return path.rsplit(".", 1)[-1].replace("_", " ")
