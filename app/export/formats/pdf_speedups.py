"""Two of reportlab's per-object helpers, made cheap without changing a byte they return.

Saving a PDF formats every object through ``reportlab.pdfbase.pdfdoc.format``,
which encodes each piece with ``pdfdocEnc`` (a Python-level charmap codec:
about 1.5 µs a call, some 110,000 calls for the large example's internal
report) and writes each dictionary key through ``PDFName`` (a Python loop over
the name's characters, 55,000 calls for a few dozen distinct names). Here:

* ``pdfdocEnc`` encodes printable ASCII with the C ASCII codec — the extended
  PDFDocEncoding maps every printable ASCII character to its own byte
  (``install`` checks that before installing) — and hands anything else to
  the codec as before;
* ``PDFName`` remembers the names it made (the result depends on the text alone);
* ``format`` (called some 120,000 times, mostly for a name or a number) answers
  for a plain ``str``, ``bytes``, ``int`` or ``float`` at once, as its own
  branches for them do, and hands everything else to the original;
* ``PDFDictionary.format`` writes each key as the bytes ``format(PDFName(key))``
  gave the first time (a name depends on its text alone) and otherwise does
  what reportlab's method does, line for line;
* an array of up to ten plain numbers (every link's rectangle and border) is
  written in one step, as ``PDFArray.format`` writes it on one line;
* ``PDFString.format`` remembers what it wrote for a text in an unencrypted
  document: the large example's internal report links the same framework
  document from 3,617 places.

Both are installed once, when the PDF writer is imported; reportlab's other
modules that imported the originals by name keep them.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from reportlab import rl_config
from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase import pdfdoc

_PRINTABLE_ASCII = "".join(chr(code) for code in range(0x20, 0x7F))


def _fast_encoder(original: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def pdfdoc_enc(x: Any) -> Any:
        if isinstance(x, str):
            if x.isascii() and x.isprintable():
                return x.encode("ascii")
            return x.encode("extpdfdoc")
        return x
    pdfdoc_enc.__wrapped__ = original  # type: ignore[attr-defined]
    return pdfdoc_enc


def _remembering(original: Callable[..., str]) -> Callable[..., str]:
    made: dict[str, str] = {}

    def pdf_name(data: Any, *rest: Any) -> str:
        if rest or not isinstance(data, str):
            return original(data, *rest)
        name = made.get(data)
        if name is None:
            name = made[data] = original(data)
        return name
    pdf_name.__wrapped__ = original  # type: ignore[attr-defined]
    return pdf_name


def _direct_format(original: Callable[..., bytes]) -> Callable[..., bytes]:
    def format(element: Any, document: Any, toplevel: int = 0) -> bytes:  # noqa: A001 - reportlab's name
        kind = type(element)
        if kind is str:
            return pdfdoc.pdfdocEnc(element)  # type: ignore[no-any-return]
        if kind is bytes:
            return element  # type: ignore[no-any-return]
        if kind is int or kind is float:
            return pdfdoc.pdfdocEnc(fp_str(element))  # type: ignore[no-any-return]
        if kind is pdfdoc.PDFArray:
            numbers = _numbers_line(element)
            if numbers is not None:
                return numbers
        return original(element, document, toplevel)
    format.__wrapped__ = original  # type: ignore[attr-defined]
    return format


def _numbers_line(array: Any) -> bytes | None:
    """A one-line array of up to ten plain numbers (a link's rectangle, a border) as ``PDFArray.format``
    writes it, without a ``format`` call per number; None for any other array."""
    sequence = array.sequence
    if len(sequence) > 10 or (array.multiline and rl_config.pdfMultiLine) or array.multiline == "forced" \
            or hasattr(array, "__Comment__"):
        return None
    for number in sequence:
        if type(number) is not int and type(number) is not float:
            return None
    return b"[ " + fp_str(*sequence).encode("ascii") + b" ]" if sequence else b"[  ]"


_REMEMBERED_STRINGS = 20_000
"""At most this many written strings are remembered (a few MB); then the memory starts again."""


def _remembering_string(original: Callable[..., bytes]) -> Callable[..., bytes]:
    """``PDFString.format`` remembering what it wrote for a text (unencrypted documents): the same link
    target is written for each of thousands of link annotations."""
    made: dict[tuple[Any, ...], bytes] = {}

    def format(self: Any, document: Any) -> bytes:  # noqa: A001 - reportlab's name
        text = self.s
        if type(self) is not pdfdoc.PDFString or type(document.encrypt) is not pdfdoc.NoEncryption \
                or (type(text) is not str and type(text) is not bytes):
            return original(self, document)
        key = (type(text), text, getattr(self, "escape", 1), getattr(self, "enc", "auto"), self.unicodeEncValid)
        written = made.get(key)
        if written is None:
            if len(made) >= _REMEMBERED_STRINGS:  # an export worker lives as long as the window: stay bounded
                made.clear()
            written = made[key] = original(self, document)
        return written
    format.__wrapped__ = original  # type: ignore[attr-defined]
    format.remembered = made  # type: ignore[attr-defined]
    return format


def _dictionary_format(original: Callable[..., bytes]) -> Callable[..., bytes]:
    keys_made: dict[str, bytes] = {}

    def format(self: Any, document: Any, IND: bytes = b"\n ") -> bytes:  # noqa: A001, N803 - reportlab's names
        entries = self.dict
        keys = list(entries.keys())
        if not isinstance(entries, OrderedDict):
            keys.sort()
        to_bytes = pdfdoc.format
        lines = []
        for key in keys:
            name = keys_made.get(key) if isinstance(key, str) else None
            if name is None:
                name = to_bytes(pdfdoc.PDFName(key), document) + b" "
                if isinstance(key, str):
                    keys_made[key] = name
            lines.append(name + to_bytes(entries[key], document))
        if (self.multiline and rl_config.pdfMultiLine) or self.multiline == "forced":
            joined = IND.join(lines)
        else:
            for index in reversed(range(6, len(lines), 6)):  # break up every 6 elements anyway
                lines.insert(index, b"\n ")
            joined = b" ".join(lines)
        return b"<<\n" + joined + b"\n>>"
    format.__wrapped__ = original  # type: ignore[attr-defined]
    return format


def install() -> None:
    """Install both in ``reportlab.pdfbase.pdfdoc`` (once; a no-op when the codec is not as expected)."""
    same = _PRINTABLE_ASCII.encode("extpdfdoc") == _PRINTABLE_ASCII.encode("ascii")
    if same and getattr(pdfdoc.pdfdocEnc, "__wrapped__", None) is None:
        pdfdoc.pdfdocEnc = _fast_encoder(pdfdoc.pdfdocEnc)
    if getattr(pdfdoc.PDFName, "__wrapped__", None) is None:
        pdfdoc.PDFName = _remembering(pdfdoc.PDFName)
    if getattr(pdfdoc.format, "__wrapped__", None) is None:
        pdfdoc.format = _direct_format(pdfdoc.format)
    if getattr(pdfdoc.PDFString.format, "__wrapped__", None) is None:
        pdfdoc.PDFString.format = _remembering_string(pdfdoc.PDFString.format)  # type: ignore[method-assign]
    if getattr(pdfdoc.PDFDictionary.format, "__wrapped__", None) is None:
        pdfdoc.PDFDictionary.format = _dictionary_format(pdfdoc.PDFDictionary.format)  # type: ignore[method-assign]
