"""Check an assessment against a commitment framework: findings, status and rubric score.

The public API (for the CLI, the UI, export and redaction):

``load_framework(framework_id) -> Framework``
    An installed framework from ``schemas/`` (cached). ``KeyError`` for an
    unknown id; ``app.content.errors.ContentErrors`` (``file:line:column``
    messages) for a broken file. ``framework_ids()`` lists the installed ones;
    ``load_framework_file(path)`` loads a file outside ``schemas/``.

``check(doc, framework) -> CheckResult``
    A pure function: the same document and framework always give the same
    result, in the same order.

``Checker(framework)`` with ``.check(doc)`` and ``.recheck(doc, touched)``
    The incremental form for live use. ``touched`` is what
    ``app.model.touched_addresses(edit)`` yields for the edit just applied;
    only rules and rubric items reading those paths run again. The result is
    identical to a full ``check`` of the edited document.

``check_counts(doc, framework) -> CheckCounts``
    The same check without messages: ``.status``, ``.counts`` and ``.score``
    (the rubric's total) equal ``check``'s, at a fraction of the cost; for
    views across many assessments (the portfolio). ``check_score(doc, framework)``
    is its ``.score`` alone, running only the rules a score part reads.

``CheckResult``
    ``.findings``: a tuple of ``Finding`` in stage order (header, pre_training,
    training, …, accountability), rules in file order within a stage.
    ``.status``: ``compliant`` (no violation, no missing evidence),
    ``non_compliant`` (at least one violation) or ``incomplete`` (missing
    evidence but no violation); warnings never change the status.
    ``.counts``: findings per severity. ``.score``: ``Score`` for the
    best-practice rubric (``.total`` out of ``.out_of`` = 100, ``.sections`` →
    ``.items`` each with ``value`` (points available), ``earned``,
    ``fraction`` and ``parts``), otherwise ``None``. ``.to_json()``: the JSON
    shape printed by ``riskwright check --format json`` (documented in
    ``app.cli.cmd_check``). ``.at(address)``, ``.for_rule(id)``,
    ``.of_severity(s)`` filter.

``Finding``
    ``rule_id``; ``severity`` (``violation``, ``missing_evidence``,
    ``warning``, ``satisfied``); ``stage``; ``address`` (a field path with the
    record id for table rows, e.g. ``training.checkpoints[ckpt-7].effective_compute_flop``,
    or a table path such as ``pre_deployment.determinations``); ``message``
    (plain language naming the values involved; it may quote values from the
    assessment, so treat it with the sensitivity of the assessment's public
    fields when exporting); ``citation`` (``url``, ``section``,
    ``source_title``); ``rule_title``.

``render_text(result, ...)`` / ``render_json(result, ...)`` in
``app.checks.render`` produce the command-line output.
"""

from app.checks.engine import Checker, check, check_counts, check_score
from app.checks.findings import STATUSES, CheckCounts, CheckResult, Finding, ItemScore, Score, SectionScore
from app.content.framework_spec import SEVERITIES, Citation, Framework
from app.content.frameworks import framework_ids, load_framework, load_framework_file

__all__ = [
    "SEVERITIES", "STATUSES", "CheckCounts", "CheckResult", "Checker", "Citation", "Finding", "Framework",
    "ItemScore", "Score", "SectionScore", "check", "check_counts", "check_score", "framework_ids", "load_framework",
    "load_framework_file",
]
