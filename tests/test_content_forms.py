"""The form definitions: canonical paths exist, and broken files say where they are broken."""

import re
import shutil
from pathlib import Path

import pytest

from app.content.errors import ContentErrors
from app.content.forms import STAGES, load_forms
from app.content.locate import content_path

CANONICAL = {
    "header.model.name": "text",
    "header.model.version": "text",
    "header.model.developer": "text",
    "header.model.release_type": "enum",
    "header.framework": "framework",
    "training.checkpoints[].effective_compute_flop": "flop",
    "training.checkpoints[].date": "date",
    "training.checkpoints[].evaluated": "boolean",
    "pre_deployment.evaluations[].category": "category",
    "pre_deployment.evaluations[].name": "text",
    "pre_deployment.evaluations[].score": "number",
    "pre_deployment.evaluations[].threshold": "number",
    "pre_deployment.determinations[].category": "category",
    "pre_deployment.determinations[].pre_mitigation_level": "level",
    "pre_deployment.determinations[].post_mitigation_level": "level",
    "pre_deployment.determinations[].basis": "enum",
    "deployment_decision.decision": "enum",
    "deployment_decision.security_level": "level",
    "deployment.reassessments[].date": "date",
    "deployment.reassessments[].trigger": "enum",
}


def test_every_stage_has_a_form_in_lifecycle_order(forms):
    assert forms.stages == STAGES


@pytest.mark.parametrize("path, kind", sorted(CANONICAL.items()))
def test_canonical_paths_exist_with_their_types(forms, path, kind):
    assert forms.field(path).type == kind


def test_canonical_choices(forms):
    assert forms.field("header.model.release_type").option_ids() == (
        "none", "internal", "trusted_partners", "api", "product", "open_weights")
    assert forms.field("deployment_decision.decision").option_ids() == (
        "deploy", "deploy_with_restrictions", "delay", "do_not_deploy", "halt_development")
    assert forms.field("pre_deployment.determinations[].basis").option_ids() == (
        "reached", "forecast", "cannot_rule_out", "below")


def test_every_field_explains_itself(forms):
    for spec in forms.all_fields():
        assert spec.label and len(spec.help) > 20, spec.path


def test_worst_case_elicitation_only_applies_to_open_or_fine_tunable_models(forms):
    from app.content.conditions import Conditions
    from app.model import Document, Value
    conditions = Conditions(forms)
    spec = forms.field("pre_deployment.worst_case_elicitation")
    inner = next(s for s in forms.all_fields() if s.path.startswith(spec.path + "."))
    doc = Document()
    doc.values["header.model.release_type"] = Value("api")
    assert not conditions.applies(doc, inner)
    doc.values["header.model.release_type"] = Value("open_weights")
    assert conditions.applies(doc, inner)
    doc.values["header.model.release_type"] = Value("api")
    doc.values["header.model.fine_tuning_access"] = Value(True)
    assert conditions.applies(doc, inner)


def test_a_new_empty_row_of_any_table_is_checked_not_crashed_on(forms):
    """The table editor's Add inserts a record with no values; a condition reading one of them
    (``record.scope == 'in_scope'``) reads null, as an empty field outside tables does."""
    from app.checks import check, load_framework
    from app.content.conditions import Conditions
    from app.interchange.examples import example_document
    from app.model import InsertRecord, Record
    from app.model.validate import validate
    from app.session.analysis import LiveChecks
    for table in (spec.path for spec in forms.all_fields() if spec.is_table):
        doc = example_document()
        doc.apply(InsertRecord(table, 0, Record("new-1")))
        problems = [p for p in validate(doc, forms, None, Conditions(forms).applies_fn(doc)) if "[new-1]" in p.address]
        assert problems and all(p.message.startswith("required:") for p in problems), (table, problems)
        live = LiveChecks(forms)
        live.run(*live.take(doc))
        check(doc, load_framework("openai-preparedness-beta"))
    recommendation = Record("new-2")
    doc = example_document()
    doc.apply(InsertRecord("pre_deployment.worst_case_recommendations", 0, recommendation))
    reason = forms.field("pre_deployment.worst_case_recommendations[].reason_declined")
    assert not Conditions(forms).applies(doc, reason, doc.record("pre_deployment.worst_case_recommendations", "new-2"))


@pytest.fixture
def form_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "forms"
    shutil.copytree(content_path("forms"), folder)
    return folder


def _break(folder: Path, stage: str, old: str, new: str) -> None:
    path = folder / f"{stage}.yaml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def _errors(folder: Path) -> list[str]:
    with pytest.raises(ContentErrors) as caught:
        load_forms(folder)
    return [str(e) for e in caught.value.errors]


def _line_of(folder: Path, stage: str, needle: str) -> int:
    lines = (folder / f"{stage}.yaml").read_text().splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


def test_bad_yaml_is_reported_with_line_and_column(form_copy):
    _break(form_copy, "training", "fields:", "fields: [unclosed")
    errors = _errors(form_copy)
    assert len(errors) == 1
    expected_line = _line_of(form_copy, "training", "fields: [unclosed")
    match = re.match(re.escape(str(form_copy / "training.yaml")) + r":(\d+):(\d+): ", errors[0])
    assert match, errors[0]
    assert int(match.group(1)) >= expected_line


def test_unknown_key_points_at_the_key(form_copy):
    _break(form_copy, "header", "    label:", "    colour: red\n    label:")
    errors = _errors(form_copy)
    line = _line_of(form_copy, "header", "colour: red")
    assert any(f"header.yaml:{line}:5: unknown key 'colour'" in e for e in errors), errors


def test_wrong_type_and_missing_options(form_copy):
    _break(form_copy, "deployment_decision", "type: enum", "type: dropdown")
    errors = _errors(form_copy)
    assert any("deployment_decision.yaml:" in e and "'dropdown' is not one of" in e for e in errors), errors


def test_duplicate_keys_are_refused(form_copy):
    _break(form_copy, "retrospective", "    label:", "    label: One\n    label:")
    errors = _errors(form_copy)
    assert any("duplicate key 'label'" in e for e in errors), errors


def test_bad_condition_is_refused_at_load(form_copy):
    _break(form_copy, "pre_deployment", "applies_when: ", "applies_when: 'header.model.release_type == ' #")
    errors = _errors(form_copy)
    assert any("applies_when" in e and "pre_deployment.yaml:" in e for e in errors), errors


def test_a_condition_naming_something_unknown_is_refused(form_copy):
    _break(form_copy, "pre_deployment", "applies_when: ", "applies_when: \"colour == 'red'\" #")
    errors = _errors(form_copy)
    assert any("unknown name 'colour'" in e for e in errors), errors


def test_missing_stage_file(form_copy):
    (form_copy / "retrospective.yaml").unlink()
    errors = _errors(form_copy)
    assert any("retrospective.yaml: missing" in e for e in errors), errors
