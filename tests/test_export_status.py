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


def test_a_wider_edition_names_the_revision_the_file_holds_after_verifying_it(example_file, tmp_path):
    """The public edition's revision hash is the one the content check worked out on the way (not hashed
    again), and it is the hash of the content as it is now: edited after opening, changed again."""
    import json
    from app.model.canonical import revision_hash
    from app.session.export import export_file
    for text in ("first change", "second change"):
        with AssessmentFile.open(example_file) as assessment:
            assessment.apply(SetValue(Address.parse("header.model.version"), text))
            expected = revision_hash(assessment.document)
        out = tmp_path / "public.json"
        export_file(example_file, "public", "json", out)
        assert expected in out.read_text() and expected[:12] in json.dumps(json.loads(out.read_text()))
