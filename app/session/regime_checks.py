"""Live checks against every regime the header lists, beside the primary framework's check.

The Findings panel shows a regime x status matrix when the assessment names
regimes (``header.regimes``); each regime keeps its own ``Checker`` so an
edit re-runs only the rules it can change, as the primary check does. The
primary framework's result is reused, not computed twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.model.document import Document
from app.model.forms import FormSet
from app.model.paths import Address


@dataclass(frozen=True)
class RegimeRow:
    id: str
    name: str
    kind: str
    status: str | None
    """compliant, non_compliant or incomplete; None when the framework could not be loaded."""
    findings: tuple[Any, ...] = ()
    error: str | None = None

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)


@dataclass
class RegimeChecks:
    forms: FormSet
    _checkers: dict[str, Any] = field(default_factory=dict)

    def reset(self) -> None:
        """Forget every regime's checker (after a failed run: a half-updated one is not trusted)."""
        self._checkers.clear()

    def run(self, doc: Document, touched: list[Address | str] | None, primary_id: str | None,
            primary: Any) -> list[RegimeRow]:
        """Rows in header order; empty when the header lists no regimes (one framework: no matrix)."""
        from app.checks import Checker, load_framework
        from app.checks.regimes import REGIMES_TABLE, regime_ids
        from app.content.errors import ContentError, ContentErrors
        if not doc.records(REGIMES_TABLE):
            self._checkers.clear()
            return []
        rows = []
        wanted = regime_ids(doc)
        for stale in set(self._checkers) - set(wanted):
            del self._checkers[stale]
        for framework_id in wanted:
            if framework_id == primary_id and primary is not None:
                framework = load_framework(framework_id)
                rows.append(RegimeRow(framework_id, framework.name, framework.kind, primary.status,
                                      tuple(primary.findings)))
                continue
            checker = self._checkers.get(framework_id)
            try:
                if checker is None:
                    checker = self._checkers[framework_id] = Checker(load_framework(framework_id), self.forms)
                    result = checker.check(doc)
                else:
                    result = checker.check(doc) if touched is None else checker.recheck(doc, touched)
            except KeyError:
                rows.append(RegimeRow(framework_id, framework_id, "", None, error="not installed"))
                continue
            except (ContentError, ContentErrors) as error:
                rows.append(RegimeRow(framework_id, framework_id, "", None, error=f"broken file: {error}"))
                continue
            rows.append(RegimeRow(framework_id, checker.framework.name, checker.framework.kind, result.status,
                                  tuple(result.findings)))
        return rows
