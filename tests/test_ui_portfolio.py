"""The Portfolio window as a compliance lead uses it: read, sort, filter, open a row, see a file change."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from app.interchange.examples import write_example
from app.model.document import SetValue
from app.model.paths import Address
from app.store.file import AssessmentFile

pytestmark = pytest.mark.usefixtures("isolated_home")


def _named(path: Path, name: str, score_field: bool = False) -> Path:
    write_example(path)
    with AssessmentFile.open(path) as assessment:
        assessment.apply(SetValue(Address("header.model.name"), name))
        if score_field:  # a weaker assessment: no concerns channel, so a lower rubric score
            assessment.apply(SetValue(Address("accountability.concerns_channel.exists"), False))
    return path


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    place = tmp_path / "models"
    place.mkdir()
    _named(place / "a.rwa", "Aspen")
    _named(place / "b.rwa", "Beech", score_field=True)
    (place / "c.rwa").write_bytes(b"not an assessment")
    return place


def _read(qtbot, window):  # type: ignore[no-untyped-def]
    """Wait for the window's first read (it starts in the background as the window opens)."""
    qtbot.addWidget(window)
    qtbot.waitSignal(window.refreshed, timeout=120_000).wait()
    return window


def _cells(window, column: int) -> list[str]:  # type: ignore[no-untyped-def]
    proxy = window.proxy
    return [proxy.index(row, column).data() for row in range(proxy.rowCount())]


def test_the_window_lists_models_names_bad_files_and_opens_a_row(qtbot, folder: Path) -> None:
    from app.ui.portfolio_window import PortfolioWindow
    opened: list[tuple[Path, str | None]] = []
    window = _read(qtbot, PortfolioWindow([folder], lambda path, address: opened.append((path, address)),
                                          as_of=date(2026, 3, 2)))
    window.show()
    assert sorted(_cells(window, 0)) == ["Aspen h3-2025-08-rc2", "Beech h3-2025-08-rc2"]
    assert window.problems.isVisible() and "c.rwa" in window.problems.text()
    assert "1 file unreadable" in window.summary.text()

    window.table.sortByColumn(3, Qt.SortOrder.AscendingOrder)  # rubric score, lowest first
    assert _cells(window, 0)[0].startswith("Beech")
    window.search.setText("asp")
    assert _cells(window, 0) == ["Aspen h3-2025-08-rc2"]
    window.search.clear()

    index = window.proxy.index(0, 0)
    window.table.doubleClicked.emit(index)
    assert opened == [(folder / "b.rwa", None)]


def test_a_file_saved_elsewhere_shows_up_without_asking(qtbot, folder: Path) -> None:
    from app.ui.portfolio_window import PortfolioWindow
    window = _read(qtbot, PortfolioWindow([folder], None, as_of=date(2026, 3, 2)))
    with qtbot.waitSignal(window.refreshed, timeout=120_000), AssessmentFile.open(folder / "a.rwa") as assessment:
        assessment.apply(SetValue(Address("header.model.name"), "Aspen renamed"))  # an assessor saves an edit
    assert "Aspen renamed h3-2025-08-rc2" in _cells(window, 0)


def test_file_open_portfolio_opens_the_window_and_a_deadline_opens_its_assessment(qtbot, open_window,
                                                                                   folder: Path) -> None:
    window = open_window()
    assert window.portfolio_action in window.file_menu.actions()
    portfolio = _read(qtbot, window.open_portfolio([folder], date(2026, 12, 1)))
    assert portfolio.deadlines.rowCount() > 0
    first = portfolio.deadlines.item(0, 0)
    assert first.background().color().name() == "#fde2e1"  # overdue on 2026-12-01: the warning colour
    portfolio.deadlines.itemDoubleClicked.emit(first)
    path, _address = first.data(Qt.ItemDataRole.UserRole)
    assert window.session is not None and window.session.path == Path(path)


def test_the_quarterly_update_is_written_from_the_window_and_a_refusal_is_shown(qtbot, tmp_path: Path) -> None:
    from app.export.quarterly import Quarter
    from app.ui.portfolio_window import PortfolioWindow
    from app.ui.quarterly_dialog import QuarterlyDialog
    place = tmp_path / "lab"
    place.mkdir()
    _named(place / "a.rwa", "Aspen")
    window = _read(qtbot, PortfolioWindow([place], as_of=date(2026, 5, 20)))

    dialog = QuarterlyDialog(window.day(), place, window)
    qtbot.addWidget(dialog)
    quarter, audience, fmt, path = dialog.choice()
    assert (quarter, audience, fmt) == (Quarter(2026, 2), "public", "pdf")
    assert path == place / "quarterly-update-2026-Q2.public.pdf"
    dialog.format.setCurrentIndex(dialog.format.findData("md"))
    assert dialog.choice()[3].name == "quarterly-update-2026-Q2.public.md", "the name follows the format"

    target = tmp_path / "q2.md"
    with qtbot.waitSignal(window.exported, timeout=120_000) as written:
        window.export_quarterly(Quarter(2026, 2), "public", "md", target)
    assert written.args[0] is True, written.args[1]
    assert "Aspen" in target.read_text(encoding="utf-8")
    assert window.export_status.text().startswith("Wrote the public quarterly update for Q2 2026")

    with AssessmentFile.open(place / "a.rwa") as assessment:  # an e-mail address typed into a public field
        assessment.apply(SetValue(Address("header.scope"), "Questions to ada.redteam@halcyon-lab.test, please."))
    refused = tmp_path / "refused.md"
    with qtbot.waitSignal(window.exported, timeout=120_000) as outcome:
        window.export_quarterly(Quarter(2026, 2), "public", "md", refused)
    assert outcome.args[0] is False and "open flag" in window.export_status.text()
    assert not refused.exists() and window.quarterly_button.isEnabled()
