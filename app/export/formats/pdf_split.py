"""The PDF laid out on two cores, written as one process writes it: the same bytes.

platypus lays a story out page after page, each page where the previous one
ended, so the pages cannot be cut among processes up front. But placing the
flowables (wrap, split) is the smaller part of the work; drawing them is the
larger. So, as a page begins and a core is idle, this process forks a child
(``beside.Branch``) that goes on with the layout from that very page — the
same flowables, the same decisions, so the same pages — but draws nothing until
the page where the second part of what is left begins, and records every page
from there on (``start_recording``). This process goes on laying out and
drawing; at the first page it begins after the child has answered, it takes the
child's pages from there on (``Splice``, ``replay``) and ends its own layout.
If the child fails, or is slower, this process simply goes on alone, as without
one. A child forked late (a core became idle only then: the exporting process's
other work beside the writer ended, another program stopped) lays out only
what was left, not the pages already made.

The child knows each page's number and running section (it laid out all
pages before), so it draws the header and footer too. What a page holds that
depends on the document made so far is made here, in the order the drawing
did it:
* text: a TrueType subset numbers its characters in the order they are first
  drawn in the document, and font resource names follow the order fonts are
  first used. The child records each string it shows, with its font, size and
  text-object state, in place of the encoded bytes (``_RecordingText``); this
  process encodes them in the order they were drawn, as the drawing code would
  have (``replay``);
* link annotations, bookmarks and outline entries (objects numbered in order of
  creation): recorded as calls and made here, in order;
* the forms a page uses and its transparency states: per page, taken over.
A child whose pages make any other document object (an image, a shading, a
spot colour) gives up, and this process lays the rest out itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from reportlab.lib.rl_accel import escapePDF, fp_str
from reportlab.pdfbase.pdfmetrics import getFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject
from reportlab.platypus import Flowable, Frame, KeepTogether, Table

from app.export.fonts import encoded_in_subset, register_face, registered_face
from app.export.formats.pdf_text import TextBlock

if TYPE_CHECKING:
    from app.redaction.beside import Child

SPLIT_MIN_WEIGHT = 150_000
"""Below this much text left to lay out (characters, roughly) one process lays the report out: forking
and handing the pages back would cost more than the second core saves."""
WAIT_FOR_CHILD = False
"""Tests set this: the layout here waits for the child's answer instead of going on without it."""
SPLIT_SHARE = 0.63
"""The share of the text left at the fork that this process draws before the child's pages take over: the
child lays that share out too (placing is about a third of the work, drawing two thirds), so both are done
at about the same time."""
LOOK_EVERY = 0.01
"""Seconds between two looks for an idle core (each reads ``/proc/loadavg``), as pages begin."""

_MARK = "\x00%d\x01"
_MARKED = re.compile("\x00(\\d+)\x01")

Page = tuple[list[str], list[tuple[Any, ...]], list[str], list[tuple[Any, str]]]
"""One recorded page: its content stream (with marks where text goes), what was done in drawing it (in
order), the forms it uses, its transparency states."""


class Recorder:
    """What the child's layout recorded: its pages from ``first_page`` on."""

    def __init__(self, start: int) -> None:
        self.start = start  # the story element whose page is the first one drawn
        self.first_page = 0  # that page's number, once the layout reached the element
        self.drawing = False
        self.begins: dict[int, tuple[Any, ...]] = {}  # where the layout stood as each recorded page began
        self.pages: list[Page] = []
        self.actions: list[tuple[Any, ...]] = []
        self._marks = 0
        self._texts = 0

    def page_begins(self, page: int, state: tuple[Any, ...]) -> bool:
        """A page begins with the layout at ``state`` (``layout_state``): whether it is drawn (and recorded)
        here."""
        self.drawing = 0 < self.first_page <= page
        if self.drawing:
            self.begins[page] = state
        return self.drawing

    def mark(self, action: tuple[Any, ...]) -> str:
        """Record ``action`` (one to be worked out in the parent) and return the mark that stands for it."""
        number = self._marks
        self._marks += 1
        self.actions.append((number, *action))
        return _MARK % number

    def text_id(self) -> int:
        self._texts += 1
        return self._texts

    def call(self, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        self.actions.append((-1, "call", name, args, kwargs))

    def heading(self, key: str, level: int, title: str) -> None:
        self.actions.append((-1, "heading", key, level, title))


class _RecordingText(PDFTextObject):
    """A text object whose strings are recorded, not encoded (see the module's docstring)."""

    def __init__(self, canvas: _RecordingCanvas, x: float = 0, y: float = 0, direction: Any = None) -> None:
        super().__init__(canvas, x, y, direction=direction)
        self._recorder = canvas.recorder
        self._text_id = self._recorder.text_id()

    def _formatText(self, text: Any) -> str:  # noqa: N802 - reportlab's name
        return self.record(text, False)

    def record(self, text: Any, direct: bool) -> str:
        """Record a string shown (``direct``: by ``pdf_text``'s writer, which encodes it in the current subset
        when it can, else as reportlab's ``_formatText`` does) and return the mark standing for its code."""
        fresh: bool = self._curSubset == -1  # type: ignore[has-type]  # no subset chosen since the font was set: the parent's must not be either
        self._curSubset = -2
        return self._recorder.mark(("text", self._fontname, self._fontsize, self._leading, self._text_id, fresh,
                                    direct, text))


class _RecordingCanvas(Canvas):
    """The child's canvas: draws into page code like any canvas, but records text, font names, links,
    bookmarks and outline entries for the parent to make, and keeps its pages instead of a document."""

    recorder: Recorder

    def _start_recording(self) -> None:
        recorder = self.recorder
        self._doc.getInternalFontName = lambda name: recorder.mark(("font", name))  # type: ignore[method-assign]
        self._objects = len(self._doc.idToObject)  # a recorded page may make no document object

    def beginText(self, x: float = 0, y: float = 0, direction: Any = None) -> _RecordingText:  # noqa: N802
        return _RecordingText(self, x, y, direction)

    def linkURL(self, url: str, rect: Any, relative: int = 0, thickness: float = 0, color: Any = None,  # noqa: N802
                dashArray: Any = None, kind: str = "URI", **kw: Any) -> None:  # noqa: N803
        self.recorder.call("linkURL", (url, tuple(self._absRect(rect, relative))),
                           dict(kw, relative=0, thickness=thickness, color=color, dashArray=dashArray, kind=kind))

    def linkRect(self, contents: str, destinationname: str, Rect: Any = None, addtopage: int = 1,  # noqa: N802, N803
                 name: Any = None, relative: int = 1, thickness: float = 0, color: Any = None, dashArray: Any = None,
                 **kw: Any) -> None:  # noqa: N803
        self.recorder.call("linkRect", (contents, destinationname, tuple(self._absRect(Rect, relative))),
                           dict(kw, addtopage=addtopage, name=name, relative=0, thickness=thickness, color=color,
                                dashArray=dashArray))

    def bookmarkPage(self, key: str, fit: str = "Fit", left: Any = None, top: Any = None,  # noqa: N802
                     bottom: Any = None, right: Any = None, zoom: Any = None) -> None:
        self.recorder.call("bookmarkPage", (key,), dict(fit=fit, left=left, top=top, bottom=bottom, right=right,
                                                         zoom=zoom))

    def addOutlineEntry(self, title: str, key: str, level: int = 0, closed: Any = None) -> None:  # noqa: N802
        self.recorder.call("addOutlineEntry", (title, key), dict(level=level, closed=closed))

    def showPage(self) -> None:  # noqa: N802
        recorder = self.recorder
        if not recorder.drawing:  # laid out, not drawn: nothing to keep
            recorder.actions = []
            self._startPage()
            return
        if (self._colorsUsed or self._shadingUsed or self._psCommandsBeforePage or self._psCommandsAfterPage
                or self._annotationrefs or self._formData is not None or self._codeStack
                or len(self._doc.idToObject) != self._objects):
            raise _Unrecordable("a page made a document object the split layout does not hand over")
        recorder.pages.append((self._code, recorder.actions, list(self._formsinuse),
                               list(self._extgstate._c.items())))
        recorder.actions = []
        self._startPage()


class _Unrecordable(Exception):
    pass


class RecordingFrame(Frame):
    """The child's frame: places flowables as any frame does, but draws them only on the pages recorded."""

    recorder: Recorder

    def add(self, flowable: Flowable, canv: Canvas, trySplit: int = 0) -> int:  # noqa: N803
        if self.recorder.drawing:
            return int(self._add(flowable, canv, trySplit))
        placed = flowable.__dict__  # this one flowable, while it is placed (past any __setattr__ checks)
        placed["drawOn"] = _not_drawn
        try:
            return int(self._add(flowable, canv, trySplit))
        finally:
            del placed["drawOn"]


def _not_drawn(*args: Any, **kwargs: Any) -> None:
    return None


def recording_frame(recorder: Recorder, kind: type[Frame]) -> type[Frame]:
    """A recording frame that is otherwise a ``kind`` (keeping, say, the page frame's cheap copy)."""
    return type("RecordingFrame", (RecordingFrame, kind), {"recorder": recorder})


def weight(flowable: Flowable) -> int:
    """About how much text ``flowable`` lays out (characters): where to cut the story in two."""
    if isinstance(flowable, TextBlock):
        return 20 + sum(len(text) for text, _ in flowable.runs)
    if isinstance(flowable, Table):
        return 20 + sum(weight(cell) for row in flowable._cellvalues for cell in row)
    if isinstance(flowable, KeepTogether):
        return sum(weight(item) for item in flowable._content)
    if isinstance(flowable, (list, tuple)):
        return sum(weight(item) for item in flowable)
    text = getattr(flowable, "text", None)
    return 20 + len(text) if isinstance(text, str) else 20


class SplitPlan:
    """Where a layout may hand its tail to a child: how much text (``weight``) each story element and all
    after it hold, so that at any page the text left, and the element the child's drawing begins at, are
    known without walking the story again."""

    def __init__(self, story: Sequence[Flowable]) -> None:
        self.index = {id(flowable): number for number, flowable in enumerate(story)}
        left = [0] * (len(story) + 1)
        for number in range(len(story) - 1, -1, -1):
            left[number] = left[number + 1] + weight(story[number])
        self.left = left

    def head(self, remaining: Sequence[Flowable]) -> int | None:
        """The story index of the first whole element left (a split part's rest is not one of them)."""
        index = self.index
        for flowable in remaining[:3]:
            number = index.get(id(flowable))
            if number is not None:
                return number
        return None

    def start(self, head: int) -> int | None:
        """The element the child's drawing begins at when the layout stands at ``head``; None when too little
        is left to share."""
        left = self.left
        total = left[head]
        if total < SPLIT_MIN_WEIGHT:
            return None
        goal = left[head] - total * SPLIT_SHARE
        for number in range(head + 1, len(left) - 1):
            if left[number] <= goal:
                return number
        return None


def start_recording(canvas: Canvas, frames: Sequence[Frame], recorder: Recorder) -> None:
    """In a child just forked as a page began: from here on ``canvas`` records and ``frames`` draw only the
    pages recorded (``_RecordingCanvas``, ``RecordingFrame``). The page begun is not drawn."""
    # ``object.__setattr__``: a Frame's own ``__setattr__`` would keep ``__class__`` as a plain attribute.
    object.__setattr__(canvas, "__class__", recording_canvas(recorder))
    canvas._start_recording()  # type: ignore[attr-defined]
    classes: dict[type[Frame], type[Frame]] = {}
    for frame in frames:
        kind = type(frame)
        frame_class = classes.get(kind) or classes.setdefault(kind, recording_frame(recorder, kind))
        object.__setattr__(frame, "__class__", frame_class)
        if type(frame) is not frame_class:
            raise TypeError("a frame did not become a recording frame")


def layout_state(remaining: Sequence[Flowable], section: str) -> tuple[Any, ...]:
    """Where a layout stands as a page begins: how many story elements are left, what the next one is (how
    much text it holds; of a table or text continued from the page before, how many rows or lines are left)
    and the running section. Both processes lay out the same story the same way, so they stand at the same
    place as the same page begins; a page is taken from the child only then. (Without the rows and lines
    left, the pages of one long table would all look alike: a layout one page behind would pass.)"""
    head = remaining[0] if remaining else None
    runs = getattr(head, "runs", None)
    text = sum(len(run[0]) for run in runs) if isinstance(runs, list) else -1
    if isinstance(head, Table):
        rest = len(head._cellvalues)
    elif isinstance(head, TextBlock):
        rest = -1 if head._lines is None else len(head._lines)
    else:
        rest = -1
    return len(remaining), type(head).__name__, text, rest, section


def recording_canvas(recorder: Recorder) -> type[Canvas]:
    """A canvas class that records into ``recorder`` (the canvas of a child just forked becomes one:
    ``start_recording``)."""
    return type("RecordingCanvas", (_RecordingCanvas,), {"recorder": recorder})


class Splice:
    """This process's side: the child and — once it answered — its pages."""

    def __init__(self, child: Child) -> None:
        self.child = child
        self.first_page = 0
        self.pages: list[Page] | None = None
        self.begins: dict[int, tuple[Any, ...]] = {}
        self.failed = False

    def pages_from(self, page: int, state: tuple[Any, ...]) -> list[Page] | None:
        """The child's pages from number ``page`` on, once the child has answered and recorded that page, and
        its layout stood where this one stands (``state``) as that page began; None to go on laying out here
        (and ask again at the next page). A child whose layout went elsewhere is not asked again."""
        if self.failed:
            return None
        if self.pages is None:
            if not WAIT_FOR_CHILD and not self.child.finished():
                return None
            done, answer = self.child.answer()
            if not done or not _well_formed(answer) or not _fonts_here(answer[1]):
                self.failed = True
                return None
            self.first_page, self.pages, self.begins = answer
        at = page - self.first_page
        if not 0 <= at < len(self.pages):
            return None
        if self.begins.get(page) != state:
            self.failed = True  # the two layouts differ: its pages are not this document's
            return None
        return self.pages[at:]

    def close(self) -> None:
        self.child.close()


def _well_formed(answer: Any) -> bool:
    if not (isinstance(answer, tuple) and len(answer) == 3):
        return False
    first_page, pages, begins = answer
    return isinstance(first_page, int) and first_page > 0 and isinstance(pages, list) and all(
        isinstance(page, tuple) and len(page) == 4 for page in pages) and isinstance(begins, dict)


def _font_kind(name: str) -> tuple[Any, bool]:
    """The font, and whether it is a plain embedded TrueType font (``_formatText``'s common branch)."""
    font = getFont(name)
    return font, bool(font._dynamicFont and not getattr(font, "shapable", False))


def _fonts_here(pages: list[Page]) -> bool:
    """Whether every font the child drew text in is registered here too, registering one of Riskwright's faces
    the child loaded on the way (the fallback face is read only when a text needs it)."""
    names = {action[2] for _, actions, _, _ in pages for action in actions if action[1] == "text"}
    for name in names:
        if not registered_face(name):
            try:
                register_face(name)
            except Exception:  # noqa: BLE001 - not one of ours (or unreadable): this process lays out alone
                return False
            if not registered_face(name):
                return False
    return True


def replay(doc: Any, pages: list[Page], place_heading: Callable[[str, int, str], None]) -> None:
    """Make the child's ``pages`` here, the first on the page just begun (see the module's docstring)."""
    canvas = doc.canv
    scratch = canvas.beginText()  # encodes the recorded strings; its own code is never drawn
    subsets: dict[int, int] = {}
    fonts: dict[str, tuple[Any, bool]] = {}
    document = canvas._doc
    for number, (code, actions, forms, states) in enumerate(pages):
        if number:
            doc._curPageFlowableCount = 1
            doc.handle_pageEnd()
            doc.clean_hanging()  # the next page begins (its header and footer are in the recorded code)
        made: dict[int, str] = {}
        for action in actions:
            mark, kind = action[0], action[1]
            if kind == "text":
                font_name, size, leading, text_id, fresh, direct, text = action[2:]
                subset = -1 if fresh else subsets[text_id]
                font, plain = fonts.get(font_name) or fonts.setdefault(font_name, _font_kind(font_name))
                encoded = None
                if direct and not fresh:  # as pdf_text's writer shows it: in the current subset when it can
                    encoded = encoded_in_subset(font, document, text, subset)
                elif fresh and plain:  # all in the first subset: what splitString gives, in one chunk
                    encoded = encoded_in_subset(font, document, text, 0)
                    if encoded is not None:
                        made[mark] = (f"{font.getSubsetInternalName(0, document)} {fp_str(size)} Tf "
                                      f"{fp_str(leading)} TL ({escapePDF(encoded)}) Tj")
                        subsets[text_id] = 0
                        continue
                if encoded is not None:
                    made[mark] = f"({escapePDF(encoded)}) Tj"
                else:
                    scratch._fontname, scratch._fontsize, scratch._leading = font_name, size, leading
                    scratch._curSubset = subset
                    made[mark] = scratch._formatText(text)
                    subset = scratch._curSubset
                subsets[text_id] = subset
            elif kind == "font":
                made[mark] = document.getInternalFontName(action[2])
            elif kind == "call":
                getattr(canvas, action[2])(*action[3], **action[4])
            elif kind == "heading":
                place_heading(*action[2:])
            else:
                raise ValueError(f"unknown recorded action {kind!r}")
        if made:
            fill = _filler(made)
            code = [_MARKED.sub(fill, part) if "\x00" in part else part for part in code]
        canvas._code.extend(code)
        canvas._formsinuse.extend(forms)
        if states:
            if canvas._extgstate._c:
                raise ValueError("a page template used transparency; the recorded states would clash")
            canvas._extgstate._c.update(states)
    doc._curPageFlowableCount = 1


def _filler(made: dict[int, str]) -> Callable[[re.Match[str]], str]:
    def fill(match: re.Match[str]) -> str:
        return made[int(match.group(1))]
    return fill
