"""Golden files: the bundled examples' reports, byte for byte (tests/_reference/).

The API example: every kind (the assessment report and each document in
reports/kinds/) for the internal and public audiences, in every format. The
open-weights example: every kind, public edition, in every format.

A change to the example, the forms, a framework, the layout or a writer
changes these on purpose; look at the new files (render the PDFs with
`pdftoppm -png -r 60`), then regenerate with

    RISKWRIGHT_UPDATE_GOLDEN=1 python -m pytest tests/test_export_golden.py
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest

from app.content.report_kinds import ASSESSMENT, kind_ids
from app.content.report_layout import load_styles
from app.export.formats import writer_for
from app.export.pipeline import build_for_audience
from app.interchange.examples import example_document

REFERENCE = Path(__file__).parent / "_reference"
FORMATS = ("pdf", "md", "html", "json", "docx")
KINDS = tuple(kind_ids())
"""The assessment report and every kind in reports/kinds/ (files example.KIND.AUDIENCE.FORMAT)."""


CASES = [("api", kind, audience) for kind in KINDS for audience in ("internal", "public")]
CASES += [("open-weights", kind, "public") for kind in KINDS]
PREFIX = {"api": "example", "open-weights": "example-open-weights"}


@pytest.fixture(scope="module")
def reports():
    docs = {example: example_document(example) for example in PREFIX}
    return {(example, kind, audience): build_for_audience(docs[example], audience, kind=kind)
            for example, kind, audience in CASES}


@pytest.mark.parametrize("example, kind, audience", CASES)
@pytest.mark.parametrize("fmt", FORMATS)
def test_example_report_matches_its_golden_file(reports, example: str, kind: str, audience: str, fmt: str) -> None:
    produced = writer_for(fmt, load_styles()).write(reports[example, kind, audience])
    middle = "" if kind == ASSESSMENT else f"{kind}."
    golden = REFERENCE / f"{PREFIX[example]}.{middle}{audience}.{fmt}"
    if os.environ.get("RISKWRIGHT_UPDATE_GOLDEN") == "1":
        golden.write_bytes(produced)
    assert golden.exists(), f"{golden} is missing; generate it with RISKWRIGHT_UPDATE_GOLDEN=1"
    expected = golden.read_bytes()
    if produced == expected:
        return
    if fmt not in ("pdf", "docx"):
        diff = "".join(list(difflib.unified_diff(expected.decode("utf-8").splitlines(True),
                                                 produced.decode("utf-8").splitlines(True),
                                                 str(golden), "produced", n=1))[:60])
        pytest.fail(f"{golden.name} differs from what the exporter writes now:\n{diff}")
    pytest.fail(f"{golden.name} differs ({len(expected)} bytes golden, {len(produced)} now); "
                f"see this module's docstring")
