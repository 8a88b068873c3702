"""Help: F1 opens the user guide at the part you are in, with the help of the field you are in on top.

The guide (``resources/guide/guide.md``) ships with the app and is read from disk
— no network, no browser: the workstations this app is for have neither. It is
Markdown, so a compliance lead can edit it like the forms. The field's and the
stage's own help come from ``forms/``, the same words shown under each field.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from app.content.locate import content_path
from app.model import FieldSpec, FormSpec

GUIDE = ("resources", "guide", "guide.md")


def guide_html() -> str:
    """The guide as HTML (headings carry ids: ``stage-training``, ``sensitivity``, ``flags``, …)."""
    import markdown
    import nh3
    text = content_path(*GUIDE).read_text(encoding="utf-8")
    rendered = markdown.markdown(text, extensions=["attr_list", "tables"])
    return nh3.clean(rendered, attributes={"*": {"id"}, "a": {"href"}})


def context_html(stage: FormSpec | None, field: FieldSpec | None) -> str:
    """What F1 puts above the guide: the field's help, then what the stage is for."""
    parts = []
    if field is not None:
        parts.append(f"<h2>{html.escape(field.label)}</h2><p>{html.escape(field.help)}</p>")
        if field.required:
            parts.append("<p><i>Required: the assessment counts as incomplete until this is answered.</i></p>")
    if stage is not None:
        parts.append(f"<h3>{html.escape(stage.title)}</h3><p>{html.escape(' '.join(stage.summary.split()))}</p>")
    if parts:
        parts.append('<p><a href="#stages">The stages</a> · <a href="#sensitivity">Sensitivity and audiences'
                     '</a> · <a href="#flags">Flags</a> · <a href="#signoff">Signing off</a> · '
                     '<a href="#export">Exporting</a></p><hr>')
    return "".join(parts)


class HelpWindow(QDialog):
    """The guide in a plain, offline text browser (not modal: read it while you work)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("helpWindow")
        self.setWindowTitle("Riskwright help")
        self.resize(720, 760)
        layout = QVBoxLayout(self)
        self.browser = QTextBrowser()
        self.browser.setAccessibleName("User guide")
        self.browser.setOpenExternalLinks(False)
        self.browser.setOpenLinks(False)
        self.browser.anchorClicked.connect(lambda url: self.browser.scrollToAnchor(url.fragment()))
        layout.addWidget(self.browser)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout.addWidget(buttons)
        self._guide = guide_html()

    def show_for(self, stage: FormSpec | None, field: FieldSpec | None) -> None:
        """Show the field's help on top and scroll the guide to the stage's section."""
        self.browser.setHtml(context_html(stage, field) + self._guide)
        if stage is not None and field is None:
            self.browser.scrollToAnchor(f"stage-{stage.stage}")
        else:
            self.browser.verticalScrollBar().setValue(0)
        self.show()
        self.raise_()
        self.activateWindow()
        self.browser.setFocus(Qt.FocusReason.OtherFocusReason)


def focused_field(widget: QWidget | None) -> FieldSpec | None:
    """The field whose row holds ``widget`` (the row keeps its spec)."""
    while widget is not None:
        spec = getattr(widget, "spec", None)
        if isinstance(spec, FieldSpec) and spec.is_leaf:
            return spec
        widget = widget.parentWidget()
    return None
