"""Mutation check of the leak tests (#11): switch off one label or filter at a time, count the caught mutants.

Each mutant is a few lines that replace one function of the product (a label
that stops propagating, a filter that lets one kind of value through). It is
put in place by a ``sitecustomize`` module on ``PYTHONPATH`` — so it holds in
the test process and in every command the tests start — and the leak tests
are run against it (``-x``: the first failure is enough). A mutant is caught
when the tests fail; a mutant the tests pass is a hole in the tests.

    .venv/bin/python tests/benchmarks/mutation_check.py            # every mutant
    .venv/bin/python tests/benchmarks/mutation_check.py history-ids  # some
    RISKWRIGHT_LEAK_EXAMPLES=3 ...                                   # more examples per test

Prints one line per mutant and the figure (caught / all). The unmutated run
comes first: it must pass, or the figure means nothing.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TESTS = ["tests/test_leak_every_channel.py", "tests/test_leak_store_channels.py"]

MUTANTS: dict[str, str] = {
    "findings": '''
import app.export.labels as m
from app.export.report import Finding
def rendered_finding(render, finding):
    return Finding(finding.rule_id, finding.severity, finding.stage, finding.address,
                   render.show(m.fixed(finding.message.plain)), finding.citation, finding.citation_url,
                   finding.rule_title)
m.rendered_finding = rendered_finding
''',
    "finding-record-ids": '''
import app.export.labels as m
m.concerns = lambda doc, forms, address: m.fixed(address or "")
''',
    "summaries (derived text)": '''
import app.model.labelled as m
def derived(text, *inputs):
    level, sources = m.label_of(*inputs)
    return m.Labelled((m.Part(text, m.Sensitivity.PUBLIC, sources),))
m.derived = derived
''',
    "quoted values": '''
import app.model.labelled as m
def quoted(text, sensitivity, *sources):
    return m.Labelled((m.Part(text, m.Sensitivity.PUBLIC, tuple(sources)),))
m.quoted = quoted
''',
    "report renderer": '''
import app.export.labels as m
m.Renderer.show = lambda self, text: m.Shown(text.plain)
''',
    "history-ids": '''
import app.redaction.history_view as m
m._Context.record_id = lambda self, table, record_id: record_id
''',
    "file-names": '''
import app.export.file_names as m
def report_file_name(doc, audience, what, suffix, fallback, forms=None):
    name = m.model_name(doc, forms)
    return f"{name.plain if name is not None else fallback} — {audience} {what}{suffix}"
m.report_file_name = report_file_name
''',
    "withheld-framework": '''
import app.export.build as m
_value = m.Withholding.value
m.Withholding.value = lambda self, address: False if address == "header.framework" else _value(self, address)
''',
    "regimes": '''
import app.export.regimes_section as m
m.regimes_for_audience = lambda outcomes, sees, keep_links: outcomes
''',
    "filter: dates": '''
import datetime
import app.redaction.filtering as m
_value = m._Filter.value
def value(self, address, value, record_sensitivity):
    if isinstance(value.data, datetime.date):
        return m.Value(value.data, value.sensitivity, None)
    return _value(self, address, value, record_sensitivity)
m._Filter.value = value
''',
    "filter: numbers": '''
import app.redaction.filtering as m
_value = m._Filter.value
def value(self, address, value, record_sensitivity):
    if isinstance(value.data, (int, float)) and not isinstance(value.data, bool):
        return m.Value(value.data, value.sensitivity, None)
    return _value(self, address, value, record_sensitivity)
m._Filter.value = value
''',
    "filter: whole records": '''
import app.redaction.filtering as m
_may_see = m.Audience.may_see
m._Filter.table = lambda self, table, records: [self._record_copy(table, r, None) for r in records]
''',
    "filter: passages": '''
import app.redaction.filtering as m
m._Filter._passages = lambda self, where, text: text
''',
    "signers' names": '''
import app.export.build as m
_build = m.build_report
def build_report(doc, **kw):
    report = _build(doc, **kw)
    revision = kw["revision"]
    return m.Report(**{**report.__dict__, "signoffs": tuple(revision.signoffs)})
m.build_report = build_report
''',
}


def _run(name: str, code: str, folder: Path) -> tuple[bool, float, str]:
    site = folder / name.replace(" ", "_").replace(":", "").replace("'", "").replace("(", "").replace(")", "")
    site.mkdir()
    (site / "sitecustomize.py").write_text(code)
    env = {**os.environ, "PYTHONPATH": str(site), "QT_QPA_PLATFORM": "offscreen"}
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *TESTS],
                          cwd=ROOT, env=env, capture_output=True, text=True)
    last = [line for line in done.stdout.splitlines() if line.startswith(("E  ", "FAILED", "ERROR"))]
    return done.returncode == 0, time.monotonic() - started, (last[0] if last else done.stdout[-200:]).strip()


def main(argv: list[str]) -> int:
    wanted = [m for m in MUTANTS if not argv or m in argv]
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        passed, seconds, why = _run("unmutated", "", folder)
        print(f"unmutated: {'tests pass' if passed else 'TESTS FAIL ' + why} ({seconds:.0f} s)", flush=True)
        if not passed:
            return 2
        caught = 0
        for name in wanted:
            survived, seconds, why = _run(name, MUTANTS[name], folder)
            caught += not survived
            print(f"{name}: {'SURVIVED' if survived else 'caught'} ({seconds:.0f} s) {'' if survived else why}"[:240],
                  flush=True)
        print(f"caught {caught} of {len(wanted)} mutants")
    return 0 if caught == len(wanted) else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
