"""The main window: parts list, the generated form, and the checks dock.

The window owns no rules: values are parsed by ``app.model``, conditions come
from ``app.content``, findings from ``app.checks``, flags from
``app.redaction`` and reports from ``app.export``. It arranges them, turns
gestures into edits, and keeps the panels in step with the file.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication, QDockWidget, QLabel, QMainWindow, QMessageBox, QProgressBar, QPushButton, QSplitter,
    QStackedWidget, QVBoxLayout, QWidget,
)

from app.model import Address, FormSet
from app.session import Analysis, StageCounts
from app.store import AssessmentFile, StoreError
from app.ui import gc_guard
from app.ui.analysis import LiveAnalysis
from app.ui.dialogs import ABOUT, ShortcutsDialog
from app.ui.file_access import open_for_window
from app.ui.field_editors import MarkedBinding
from app.ui.find_bar import FindBar
from app.ui.analysis_text import status_line
from app.ui.flag_watch import FlagWatch
from app.ui.navigator import StageNavigator
from app.ui.panels import PANEL_NAMES, DockPanels
from app.ui.session import AssessmentSession, Change
from app.ui.save_status import SaveStatus
from app.ui.settings import AppSettings
from app.ui.stage_page import StagePage
from app.ui.status_text import SteadyLabel
from app.ui.window_menus import MenuCommands
from app.ui.window_saving import SavingCommands, make_read_only, save_banner
from app.ui.workspace import Workspace

if TYPE_CHECKING:
    from app.ui.export_dialog import ExportDialog
    from app.ui.history_panel import HistoryPanel, RevisionStatusButton

FIRST_PAINT_FALLBACK_MS = 250
DOCK_WIDTH = 380


class MainWindow(MenuCommands, SavingCommands, QMainWindow):
    def __init__(self, forms: FormSet, settings: AppSettings | None = None,
                 remember_window: bool = True, defer_secondary: bool = False) -> None:
        """``defer_secondary``: build the panels that start-up can do without (history, sign-off)
        after the first paint instead of before it; the app's start does this."""
        super().__init__()
        self.defer_secondary = defer_secondary
        self.forms = forms
        self.settings = settings or AppSettings()
        self.workspace = Workspace(forms, self.settings, self)
        self.workspace.message.connect(lambda text, ms: self.statusBar().showMessage(text, ms))
        self.workspace.error.connect(self.show_error)
        self.workspace.analysed.connect(self._on_analysis)
        self.workspace.flags_changed.connect(self._on_flags)
        self.jobs = self.workspace.jobs
        self._analysis_counts: dict[str, StageCounts] = {}
        self._flag_counts: dict[str, int] | None = None
        """Open flags per stage, counted once per change of the flags (not on every check's result)."""
        self.history_panel: HistoryPanel | None = None
        """The History tab, built after the first paint when the app starts (``defer_secondary``)."""
        self.revision_status: RevisionStatusButton | None = None
        self.signoff_action: QAction | None = None
        self.export_dialog: ExportDialog | None = None
        self.portfolio_windows: list[QMainWindow] = []
        """Portfolio windows opened from File → Open Portfolio… (kept alive while shown)."""
        self.last_error = ""
        self._painted = False
        self._after_paint: list[Callable[[], None]] = []
        self.pages: dict[str, StagePage] = {}
        self.setObjectName("mainWindow")
        self.setWindowTitle("Riskwright")
        self.setDockOptions(QMainWindow.DockOption.AnimatedDocks | QMainWindow.DockOption.AllowTabbedDocks)

        self.navigator = StageNavigator(forms)
        self.navigator.setMinimumWidth(250)
        self.navigator.stage_chosen.connect(self.show_stage)
        self.stack = QStackedWidget()
        self.stack.setObjectName("formStack")
        self.empty = self._empty_page()
        self.stack.addWidget(self.empty)
        self.find_bar = FindBar(self.workspace)
        self.find_bar.hide()
        self.find_bar.go_to.connect(self.go_to)
        centre = QWidget()
        centre_layout = QVBoxLayout(centre)
        centre_layout.setContentsMargins(0, 0, 0, 0)
        centre_layout.setSpacing(0)
        self.save_banner = save_banner()
        centre_layout.addWidget(self.save_banner)
        centre_layout.addWidget(self.find_bar)
        centre_layout.addWidget(self.stack, 1)
        self.splitter = QSplitter()
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.navigator)
        self.splitter.addWidget(centre)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([260, 900])
        self.splitter.setChildrenCollapsible(False)
        self.setCentralWidget(self.splitter)

        self.panels = DockPanels(self.workspace)
        self.findings_panel = self.panels.findings
        self.lazy_panels = self.panels.lazy
        self.findings_panel.go_to.connect(self.go_to)
        self.panels.flag_go_to.append(self.go_to)
        self.dock = QDockWidget("Checks", self)
        self.dock.setObjectName("checksDock")
        self.dock.setWidget(self.panels)
        self.dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                              | QDockWidget.DockWidgetFeature.DockWidgetClosable)
        self.dock.setMinimumWidth(300)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        self.panel_actions = self._panel_actions(("Fi&ndings", "F&lags", "Pre&view"))
        self.resizeDocks([self.dock], [DOCK_WIDTH], Qt.Orientation.Horizontal)

        self.saved_label = SteadyLabel("savedLabel")
        self.save_status = SaveStatus(self.saved_label, self.reload_from_disk, self._on_save_state, self,
                                      on_snapshot_stale=self.refresh_snapshot)
        self.analysis_label = SteadyLabel("analysisLabel")
        self.flags_label = QLabel()
        self.flags_label.setObjectName("flagsLabel")
        self.busy = QProgressBar()
        self.busy.setObjectName("busyIndicator")
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(90)
        self.busy.setMaximumHeight(12)
        self.busy.setTextVisible(False)
        self.busy.setAccessibleName("Working in the background")
        self.busy.setToolTip("Checking, scanning or writing a report in the background")
        self.busy.hide()
        self.jobs.activity.connect(lambda running: self.busy.setVisible(running > 0))
        self.statusBar().addPermanentWidget(self.busy)
        self.statusBar().addPermanentWidget(self.analysis_label)
        self.statusBar().addPermanentWidget(self.flags_label)
        self.statusBar().addPermanentWidget(self.saved_label)
        self._build_actions()
        self._build_menus()
        self.resize(1360, 860)
        self.remember_window = remember_window
        if remember_window:
            geometry = self.settings.geometry()
            if geometry is not None:
                self.restoreGeometry(geometry)
            state = self.settings.window_state()
            if state is not None:
                self.restoreState(state)
        QApplication.instance().focusChanged.connect(self._keep_focus_visible)  # type: ignore[union-attr]
        # The History tab, revision status and Sign off… read the audit trail and load the signing
        # code. When the app starts it is worth having them a moment after the window appears rather
        # than before; a window built for a test or a dialog gets them at once.
        if defer_secondary:
            self.after_first_paint(lambda: self._build_accountability(announce=True))
        else:
            self._build_accountability(announce=False)
        self._update_actions()

    # -- the workspace's parts, as the window's --------------------------------------------
    @property
    def session(self) -> AssessmentSession | None:
        return self.workspace.session

    @property
    def analysis(self) -> LiveAnalysis | None:
        return self.workspace.analysis

    @property
    def flag_watch(self) -> FlagWatch | None:
        return self.workspace.flag_watch

    # -- first paint ------------------------------------------------------------------------
    def after_first_paint(self, work: Callable[[], None], first: bool = False) -> None:
        """Run ``work`` once the window has been drawn (at once if it already has).

        Start-up shows the form first; checks, history and other panels fill in
        a moment later instead of delaying the window. ``first`` puts ``work``
        ahead of what is already waiting.
        """
        if self._painted:
            QTimer.singleShot(0, work)
        elif first:
            self._after_paint.insert(0, work)
        else:
            self._after_paint.append(work)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self._painted:
            self._painted = True
            QTimer.singleShot(0, self._run_after_paint)
        return super().event(event)

    def showEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        super().showEvent(event)
        if not self._painted:  # platforms that never paint a hidden-behind window still get there
            QTimer.singleShot(FIRST_PAINT_FALLBACK_MS, self._mark_painted)

    def _mark_painted(self) -> None:
        if not self._painted:
            self._painted = True
            self._run_after_paint()

    def _run_after_paint(self) -> None:
        pending, self._after_paint = self._after_paint, []
        for work in pending:
            work()

    # -- building -------------------------------------------------------------------------
    def _empty_page(self) -> QWidget:
        page = QWidget()
        page.setObjectName("emptyPage")
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        title = QLabel("No assessment is open")
        title.setObjectName("pageTitle")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(title)
        hint = QLabel("Create a new assessment, open one, or start from the bundled example.")
        hint.setObjectName("pageSummary")
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(hint)
        for text, slot in (("&New assessment…", self.new_assessment), ("&Open…", self.open_dialog),
                           ("Open the e&xample", self.open_example)):
            button = QPushButton(text)
            button.setObjectName("emptyButton")
            button.clicked.connect(slot)
            layout.addWidget(button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        return page

    def _panel_actions(self, names: tuple[str, ...], first_key: int = 3) -> list[QAction]:
        """Go › Findings (Ctrl+3), Flags, Preview, … in tab order."""
        actions = []
        for offset, name in enumerate(names):
            index = PANEL_NAMES.index(name.replace("&", "").lower())
            action = QAction(name, self)
            action.setShortcut(QKeySequence(f"Ctrl+{first_key + offset}"))
            action.triggered.connect(lambda _checked=False, tab=PANEL_NAMES[index]: self.show_panel(tab))
            self.addAction(action)
            actions.append(action)
        return actions

    def _build_accountability(self, announce: bool) -> None:
        """The History tab, the status bar's revision status and File › Sign off…."""
        from app.ui.history_panel import REFRESH_MS, RevisionStatusButton
        panel = self.history_panel = self.panels.add_history()
        panel.go_to.connect(self.go_to)
        panel.sign_off_requested.connect(self.sign_off)
        button = self.revision_status = RevisionStatusButton()
        self._revision_shown: tuple[Any, ...] | None = None
        button.hide()
        button.clicked.connect(lambda: self.show_panel("history"))
        self.statusBar().addPermanentWidget(button)
        self._accountability_timer = QTimer(self)
        self._accountability_timer.setSingleShot(True)
        self._accountability_timer.setInterval(REFRESH_MS)
        self._accountability_timer.timeout.connect(lambda: self.refresh_accountability(edits_only=True))
        self.workspace.opened.connect(self._accountability_opened)
        self._read_while_saving = False
        self.workspace.analysed.connect(self._accountability_after_check)
        self.panel_actions += self._panel_actions(("&History",), first_key=6)
        sign = self.signoff_action = QAction("&Sign off…", self)
        sign.setStatusTip("Approve the current revision in your role with your signing key")
        sign.triggered.connect(self.sign_off)
        self.addAction(sign)
        if hasattr(self, "file_menu"):  # built after the menus: add its actions to them
            self.add_late_actions()
        if announce and self.session is not None:
            self._accountability_opened(self.session)

    def _accountability_opened(self, session: AssessmentSession | None) -> None:
        if session is not None:
            session.changed.connect(self._accountability_after_change)
            session.save_state_changed.connect(self._accountability_after_saves)
        if self.history_panel is not None:
            self.history_panel.reload()
        self._show_revision_status()

    def refresh_accountability(self, edits_only: bool = False) -> None:
        """Read new history entries and the revision status again (after changes, a sign-off).

        ``edits_only``: only edits happened since the last refresh (the timer that follows them), no sign-off.
        """
        if self.history_panel is not None:
            self.history_panel.follow(edits_only)
        self._read_while_saving = self.session is not None and self.session.assessment.saving
        self._show_revision_status()

    def _accountability_after_change(self, _change: object) -> None:
        panel = self.history_panel
        if panel is not None and not self._accountability_timer.isActive() and panel.defer_edit_if_nothing_shown():
            return  # behind another tab, an edit to an unsigned revision: nothing shown changes (see there)
        self._accountability_timer.start()

    def _accountability_after_check(self, _analysis: object) -> None:
        """A check's result brings the content's hash, which only the History tab shows: with the tab behind
        another one, it reads it when it is shown (the entries and the status bar's revision were read
        after the change itself)."""
        panel = self.history_panel
        if panel is not None and panel.isHidden() and not self._accountability_timer.isActive():
            panel.stale = True
            return
        self._accountability_timer.start()

    def _accountability_after_saves(self) -> None:
        """A refresh that ran while typing was still being saved may have missed its entry: read again once saved."""
        session = self.session
        if self._read_while_saving and session is not None and not session.assessment.saving:
            self._read_while_saving = False
            self._accountability_timer.start()

    def _show_revision_status(self) -> None:
        if self.revision_status is None or self.history_panel is None:
            return
        from app.content.roles import load_roles

        def role_label(role: str) -> str:
            try:
                return load_roles().label(role)
            except Exception:  # noqa: BLE001
                return role
        status = self.history_panel.status_now() if self.session is not None else None
        shown = None if status is None else (status.number, status.state, tuple(status.missing.items()))
        if shown == self._revision_shown and self.revision_status.isHidden() == (status is None):
            return  # the words it shows come from these alone (every edit refreshes; they rarely change)
        self._revision_shown = shown
        self.revision_status.show_status(status, role_label)

    def sign_off(self) -> None:
        from app.ui.signoff_dialog import sign_off_current
        if sign_off_current(self, self.workspace) is not None:
            self.refresh_accountability()

    def open_export_dialog(self) -> None:
        """Show the (modeless) export dialog, creating it once per window."""
        from app.ui.export_dialog import ExportDialog
        if self.export_dialog is None:
            self.export_dialog = ExportDialog(self.workspace, self)
            self.export_dialog.flag_chosen.connect(self.show_flag)
        self.export_dialog.suggest_path()
        self.export_dialog.show()
        self.export_dialog.raise_()
        self.export_dialog.activateWindow()

    def show_flag(self, flag: Any) -> None:
        """The Flags tab with ``flag`` selected, and the flagged text in the form."""
        self.show_panel("flags")
        self.flags_panel.select_flag(flag.id)
        self.go_to(flag.address, flag.start, flag.end - flag.start)

    # -- files ------------------------------------------------------------------------------
    def open_file(self, path: Path) -> bool:
        """Open ``path`` (read-only when it cannot be edited here); on a bad file say why and change nothing."""
        if not self.may_leave():
            return False
        try:
            assessment = open_for_window(path, self)
            if assessment is None:
                return False
        except StoreError as error:
            self.show_error("Cannot open the assessment", str(error))
            return False
        except OSError as error:
            self.show_error("Cannot open the assessment", f"{path}: {error.strerror or error}")
            return False
        self.set_assessment(assessment)
        return True

    def set_assessment(self, assessment: AssessmentFile) -> None:
        self.close_assessment()
        session = self.workspace.open(assessment)
        session.changed.connect(self._on_change)
        # Qt's index signal comes with each of the other four (can undo/redo, their texts): one update per change.
        session.undo_stack.indexChanged.connect(self._update_undo_redo)
        analysis, watch = self.workspace.analysis, self.workspace.flag_watch
        assert analysis is not None and watch is not None
        analysis.taking_long.connect(lambda: self.analysis_label.show_text("Checking…", passing=True))
        self.settings.add_recent_file(assessment.path)
        framework = session.framework()
        if framework:
            self.settings.set_last_framework(framework)
        self._update_title()
        self.save_status.attach(session)
        if assessment.lock is not None and assessment.lock.stale is not None:
            self.statusBar().showMessage(
                f"{assessment.path.name} was left open by a program that ended without closing it "
                f"({assessment.lock.stale.describe()}); it is yours to edit now.", 15000)
        stage, panel = self.settings.place_in(assessment.path)
        if stage not in self.forms.stages:
            stage = self.navigator.current_stage() or "header"
        self.navigator.setEnabled(True)
        self.navigator.blockSignals(True)
        self.navigator.select_stage(stage)
        self.navigator.blockSignals(False)
        self.show_stage(stage)
        self._update_actions()
        self.workspace.opened.emit(session)
        if panel in PANEL_NAMES and panel != "findings":
            self.show_panel(panel)
        gc_guard.assessment_opened()
        self.after_first_paint(analysis.run_now)
        self.after_first_paint(watch.start)

    def remember_place(self) -> None:
        """Where the person is in this file (stage and side-panel tab), for the next time it opens."""
        if self.session is None or not self.remember_window:
            return
        index = self.panels.currentIndex()
        panel = PANEL_NAMES[index] if 0 <= index < len(PANEL_NAMES) else None
        self.settings.set_place_in(self.session.path, self.navigator.current_stage(), panel)

    def close_assessment(self) -> None:
        if self.session is None:
            return
        self.remember_place()
        self.session.flush()
        self._analysis_counts = {}
        self._flag_counts = None
        for page in self.pages.values():
            page.release()
            self.stack.removeWidget(page)
            page.deleteLater()
        self.pages.clear()
        self.save_status.detach()
        self.workspace.close()
        self.stack.setCurrentWidget(self.empty)
        self.navigator.setEnabled(False)
        self.navigator.set_counts({})
        self.setWindowTitle("Riskwright")
        self.analysis_label.show_text("")
        self.flags_label.setText("")
        self.flags_label.hide()
        self.workspace.opened.emit(None)
        self._update_actions()
        gc_guard.assessment_closed()

    # -- navigation ---------------------------------------------------------------------------
    def page(self, stage: str) -> StagePage | None:
        if self.session is None:
            return None
        page = self.pages.get(stage)
        if page is None:
            page = StagePage(self.session, self.forms.form(stage))
            if self.session.read_only:
                make_read_only(page)
            self.pages[stage] = page
            self.stack.addWidget(page)
            self._chain_after_navigator(page)
            if self.analysis is not None and self.analysis.latest is not None:
                page.show_problems(self.analysis.latest.problems_by_address())
        return page

    def _chain_after_navigator(self, page: QWidget) -> None:
        """Tab from the parts list goes into the form, and from the form's last field to the panels.

        Pages are built after the dock, so by creation order their fields would come last.
        """
        following = self.navigator.nextInFocusChain()
        chain: list[QWidget] = []
        widget = page.nextInFocusChain()
        while widget is not None and widget is not page and page.isAncestorOf(widget):
            if widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
                chain.append(widget)
            widget = widget.nextInFocusChain()
        if not chain:
            return
        previous: QWidget = self.navigator
        for widget in chain:
            QWidget.setTabOrder(previous, widget)
            previous = widget
        if following is not None and not page.isAncestorOf(following) and following is not page:
            QWidget.setTabOrder(previous, following)

    def show_stage(self, stage: str) -> None:
        if self.session is not None:
            self.session.flush()
        page = self.page(stage)
        if page is None:
            return
        self.stack.setCurrentWidget(page)
        self.navigator.select_stage(stage)

    @property
    def flags_panel(self) -> Any:
        """The Flags tab's panel (built on first use)."""
        return self.panels.flags_panel

    @property
    def preview_panel(self) -> Any:
        """The Preview tab's panel (built on first use)."""
        return self.panels.preview_panel

    def show_panel(self, name: str) -> None:
        """Bring a dock tab forward by name: findings, flags, preview or history."""
        if name in PANEL_NAMES:
            self.dock.show()
            if not self.panels.bring_forward(name) and name == "history":
                # `open --panel history` at start-up: the tab is added after the first paint, and
                # that was queued first, so this finds it there.
                def later() -> None:
                    self.panels.bring_forward(name)
                self.after_first_paint(later)

    def current_page(self) -> StagePage | None:
        widget = self.stack.currentWidget()
        return widget if isinstance(widget, StagePage) else None

    def go_to(self, address: Address | str, offset: int | None = None, length: int = 0) -> bool:
        """Show the field at ``address``, focus it and select ``offset:offset+length`` in its text."""
        if self.session is None:
            return False
        if isinstance(address, str):
            try:
                address = Address.parse(address)
            except ValueError:
                return False
        if address.stage not in self.forms.stages:
            return False
        self.show_stage(address.stage)
        page = self.current_page()
        if page is None or not page.focus_address(address):
            return False
        if offset is not None:
            widget = self.focusWidget()
            binding = self.focused_text()
            if binding is not None:  # offsets are in the stored text; the editor hides the span tags
                binding.select_stored(offset, length)
            elif hasattr(widget, "setSelection"):
                widget.setSelection(offset, length)  # type: ignore[union-attr]
        return True

    def _step_stage(self, step: int) -> None:
        row = self.navigator.currentRow() + step
        if 0 <= row < self.navigator.count():
            self.navigator.setCurrentRow(row)

    def _focus_form(self) -> None:
        page = self.current_page()
        if page is None:
            return
        for row in page.all_rows():
            if row.isVisibleTo(page):
                row.binding.widget.setFocus()
                page.ensureWidgetVisible(row)
                return

    def _keep_focus_visible(self, _old: QWidget | None, new: QWidget | None) -> None:
        page = self.current_page()
        if page is not None and new is not None and page.isAncestorOf(new):
            page.ensureWidgetVisible(new, 30, 50)

    # -- editing ---------------------------------------------------------------------------------
    def undo(self) -> None:
        if self.session is not None:
            self.session.undo()

    def redo(self) -> None:
        if self.session is not None:
            self.session.redo()

    def _to_focus(self, method: str) -> None:
        widget = self.focusWidget()
        if widget is not None and hasattr(widget, method):
            getattr(widget, method)()

    def focused_text(self) -> MarkedBinding | None:
        """The binding of the focused text field (long or one-line), if a text field has the focus."""
        widget = self.focusWidget()
        if self.session is None or widget is None:
            return None
        for page in self.pages.values():
            for row in page.all_rows():
                if row.binding.widget is widget and isinstance(row.binding, MarkedBinding):
                    return row.binding
        return None

    def toggle_hazard(self) -> None:
        binding = self.focused_text()
        if binding is None:
            self.statusBar().showMessage("Put the cursor in a text field to mark a passage hazardous.", 6000)
            return
        from app.ui.hazard_markup import toggle_hazard
        self.statusBar().showMessage(toggle_hazard(binding, self), 6000)

    def choose_sensitivity(self) -> None:
        """Open the sensitivity menu of the focused field: the keyboard's deliberate way to change it."""
        from app.ui.sensitivity_chip import chip_for
        chip = chip_for(QApplication.focusWidget())
        if chip is None or not chip.isEnabled():
            self.statusBar().showMessage("Put the cursor in a field to change its sensitivity.", 6000)
            return
        chip.open_menu()

    def recheck(self) -> None:
        if self.session is not None and self.analysis is not None:
            self.session.flush()
            self.analysis.run_now()

    # -- following changes ----------------------------------------------------------------------
    def _on_change(self, change: Change) -> None:
        for page in self.pages.values():
            page.on_change(change)
        if change.via_history and change.addresses:
            first = change.addresses[0]
            if isinstance(first, Address):
                self._reveal(first)
        if any(str(a).startswith("header.") for a in change.addresses):
            self._update_title()

    def _reveal(self, address: Address) -> None:
        if self.navigator.current_stage() != address.stage and address.stage in self.forms.stages:
            self.show_stage(address.stage)
        page = self.current_page()
        if page is not None:
            page.focus_address(address)

    def _on_flags(self) -> None:
        self._flag_counts = None
        self._update_badges()
        count = len(self.flag_watch.open_flags()) if self.flag_watch is not None else 0
        self.flags_label.setText(f"{count} open flag{'s' if count != 1 else ''}" if count else "")
        self.flags_label.setVisible(bool(count))

    def _update_badges(self) -> None:
        counts = dict(self._analysis_counts)
        if self._flag_counts is None and self.flag_watch is not None:
            per_stage: dict[str, int] = {}
            for flag in self.flag_watch.open_flags():
                stage = flag.field.split(".", 1)[0]
                per_stage[stage] = per_stage.get(stage, 0) + 1
            self._flag_counts = per_stage
        for stage, number in (self._flag_counts or {}).items():
            base = counts.get(stage, StageCounts())
            counts[stage] = StageCounts(base.violations, base.missing, number)
        self.navigator.set_counts(counts)

    def _on_analysis(self, analysis: Analysis) -> None:
        self._analysis_counts = analysis.stage_counts()
        self._update_badges()
        problems = analysis.problems_by_address()
        for page in self.pages.values():
            page.show_problems(problems)
        self.analysis_label.show_text(analysis.shown.get("status") or status_line(analysis))

    def _on_save_state(self) -> None:
        self._update_title()
        self.update_save_banner()

    def _update_title(self) -> None:
        if self.session is None:
            self.setWindowTitle("Riskwright")
            return
        marks = {"readonly": " [read-only]", "unsaved": " — NOT SAVED"}.get(self.save_status.state, "")
        self.setWindowTitle(f"{self.session.path.name}{marks} — Riskwright")
        self.setWindowFilePath(str(self.session.path))

    def _update_actions(self, *_args: object) -> None:
        session = self.session
        for action in (self.export_action, self.close_action, self.find_action, self.hazard_action,
                       self.recheck_action, self.next_action, self.previous_action, self.save_copy_action,
                       self.export_yaml_action):
            action.setEnabled(session is not None)
        if session is not None and session.read_only:
            self.hazard_action.setEnabled(False)
        self._update_undo_redo()

    def _update_undo_redo(self, *_args: object) -> None:
        """Edit › Undo and Redo: enabled and named after the undo stack (every saved pause in typing moves it)."""
        session = self.session
        stack = session.undo_stack if session else None
        writable = session is not None and not session.read_only
        can_undo, can_redo = bool(stack and stack.canUndo()), bool(stack and stack.canRedo())
        self.undo_action.setEnabled(can_undo and writable)
        self.redo_action.setEnabled(can_redo and writable)
        self.undo_action.setText(f"&Undo {stack.undoText()}" if stack and can_undo else "&Undo")
        self.redo_action.setText(f"&Redo {stack.redoText()}" if stack and can_redo else "&Redo")

    # -- messages and help ----------------------------------------------------------------------
    def show_error(self, title: str, message: str) -> None:
        """A message box a person can act on (never a traceback)."""
        self.statusBar().showMessage(message, 10000)
        self.last_error = message
        box = QMessageBox(QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok, self)
        box.setObjectName("errorBox")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    def show_help(self) -> None:
        """F1: the user guide at the current stage, with the focused field's help on top."""
        from app.ui.help_window import HelpWindow, focused_field
        window = getattr(self, "help_window", None)
        if window is None:
            window = self.help_window = HelpWindow(self)
        stage = self.navigator.current_stage()
        form = self.forms.form(stage) if stage in self.forms.stages else None
        window.show_for(form, focused_field(QApplication.focusWidget()))

    def show_shortcuts(self) -> None:
        ShortcutsDialog(self).exec()

    def show_about(self) -> None:
        QMessageBox.about(self, "About Riskwright", ABOUT)

    # -- closing ------------------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if not self.may_leave():
            event.ignore()
            return
        if self.remember_window:
            self.settings.save_window(self.saveGeometry(), self.saveState())
        self.close_assessment()
        self.jobs.wait()  # an export in progress finishes (and renames its file) before quitting
        event.accept()
