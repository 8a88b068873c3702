"""A report never calls an unsigned revision "signed off", whatever the header says."""

from app.model import Address, SetValue
from app.store import AssessmentFile


def test_a_claimed_sign_off_is_qualified_until_the_revision_is_signed(example_file, tmp_path):
    from app.session.export import export_file
    with AssessmentFile.open(example_file) as assessment:
        assessment.apply(SetValue(Address.parse("header.status"), "signed_off"))
    out = tmp_path / "report.md"
    export_file(example_file, "internal", "md", out)
    text = out.read_text()
    assert "Signed off (recorded by the assessors; this revision is unsigned)" in text
    with AssessmentFile.open(example_file) as assessment:
        assessment.apply(SetValue(Address.parse("header.status"), "in_review"))
    export_file(example_file, "internal", "md", out)
    assert "recorded by the assessors" not in out.read_text()
