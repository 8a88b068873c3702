"""Sign-off roles are content: a lab can add one, and mistakes are reported as file:line:column."""

import pytest

from app.content.errors import ContentErrors
from app.content.roles import load_roles


def test_the_installed_roles_default_to_one_assessor_and_one_compliance_lead():
    roles = load_roles()
    assert roles.ids[:2] == ("assessor", "compliance_lead")
    assert dict(roles.required) == {"assessor": 1, "compliance_lead": 1}
    assert roles.label("compliance_lead") == "Compliance lead"


def test_a_lab_can_add_a_role_and_require_it(tmp_path):
    path = tmp_path / "roles.yaml"
    path.write_text(
        "roles:\n"
        "  - {id: assessor, label: Assessor, help: Did the work.}\n"
        "  - {id: rso, label: Responsible scaling officer, help: Owns the policy.}\n"
        "required_approvals: {assessor: 2, rso: 1}\n")
    roles = load_roles(path)
    assert roles.ids == ("assessor", "rso") and dict(roles.required) == {"assessor": 2, "rso": 1}


@pytest.mark.parametrize("text, message", [
    ("roles:\n  - {id: assessor, label: A, help: h}\nrequired_approvals:\n  auditor: 1\n",
     "roles.yaml:4:3: required_approvals names an unknown role 'auditor'; roles: assessor"),
    ("roles:\n  - {id: assessor, label: A, help: h}\n  - {id: assessor, label: B, help: h}\n"
     "required_approvals: {assessor: 1}\n",
     "roles.yaml:3:5: role 'assessor' is defined twice"),
    ("roles:\n  - {id: assessor, label: A}\nrequired_approvals: {assessor: 1}\n",
     "roles.yaml:2:5: missing 'help'"),
])
def test_mistakes_are_located(tmp_path, text, message):
    path = tmp_path / "roles.yaml"
    path.write_text(text)
    with pytest.raises(ContentErrors) as caught:
        load_roles(path)
    assert message in str(caught.value).replace(str(tmp_path) + "/", "")
