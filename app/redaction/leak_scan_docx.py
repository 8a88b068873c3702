"""The output leak scanner's DOCX reader: every part of the package, as text.

A Word file is a ZIP package of XML parts, and text hides in many of them:
the body, headers, footers, footnotes, endnotes, comments, deleted revisions
(``w:delText``), hidden runs (``w:vanish`` — still ``w:t`` text), field
codes (``w:instrText``), the core, app and custom document properties,
relationship targets (link URLs), pictures' names and alt text (``descr``,
``title`` attributes), and the metadata inside embedded images (PNG text
chunks, EXIF, XMP, JPEG comments). Rather than list the parts that
matter, this reader reads every entry of the archive, so a part no one
thought of is read too:

* each entry's name (file names leak);
* each XML entry: its text, paragraph by paragraph with the runs of a
  paragraph joined (Word splits words over runs: "Anth" + "rax"), every
  attribute value, and the raw XML;
* relationship parts: every target, URL-decoded; external targets are read
  as text, internal ones (``media/image1.png``) as structure;
* images: every metadata field Pillow can read, and the raw bytes;
* anything else: the raw bytes.

Channels ending in ``(bytes)`` hold markup or binary data and are searched
for withheld text only (detectors would fire on colour values and sizes);
the rest also go through the detectors. Structural problems are reported
as ``!docx structure``: not a ZIP package, an encrypted document (an OLE
container), duplicate entry names (readers disagree on which one is real),
macros, embedded OLE objects or ActiveX controls, and externally linked
content — none of which a report Riskwright writes contains.
"""

from __future__ import annotations

import contextlib
import io
import zipfile
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote

from lxml import etree

BINARY = " (bytes)"
_TEXT_TAGS = frozenset({"t", "delText", "instrText", "delInstrText"})
_PARAGRAPHS = frozenset({"p"})
_TEXT_ATTRIBUTES = frozenset({"descr", "title", "name", "author", "initials", "tooltip", "anchor", "lastValue"})
"""Attributes whose values are words a person wrote or reads (alt text, names, authors, link anchors)."""
_TEXT_VALUES = frozenset({"alias", "tag", "docVar", "listItem", "displayText", "placeholder"})
"""Elements whose ``val`` attribute is text (content-control titles and tags, document variables)."""
_FORBIDDEN_PARTS = (("vbaproject.bin", "macros"), ("activex", "ActiveX controls"),
                    ("embeddings/", "embedded objects"), ("afchunk", "externally linked content"))
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MAX_ENTRY = 200 * 1024 * 1024
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, recover=False)


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


class _LocalNames(dict):  # type: ignore[type-arg]
    """Tag or attribute name → local name, worked out once per name (a part has ~200,000 of them and a
    few dozen different ones)."""

    def __missing__(self, name: object) -> str:
        local = _local(name)
        with contextlib.suppress(TypeError):  # an unhashable name (never seen) is not remembered
            self[name] = local
        return local


def docx_channels(data: bytes) -> Iterator[tuple[str, str]]:
    """(channel, text) for every place text can hide in a DOCX; '!channel' marks a structural problem."""
    if data.startswith(_OLE_SIGNATURE):
        yield "!docx structure", "an encrypted or legacy (OLE) document; cannot be checked"
        return
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        yield "!docx structure", f"not a ZIP package ({error}); cannot be checked"
        return
    names = [entry.filename for entry in entries]
    if len(set(names)) != len(names):
        yield "!docx structure", "the package holds two entries with the same name; readers disagree on which counts"
    if archive.comment:
        yield "docx archive comment", archive.comment.decode("utf-8", "replace")
    for entry in entries:
        name = entry.filename
        lower = name.lower()
        yield "docx part name", name
        for marker, what in _FORBIDDEN_PARTS:
            if marker in lower:
                yield "!docx structure", f"{name}: {what}, which a report never contains"
        if entry.file_size > _MAX_ENTRY:
            yield "!docx structure", f"{name}: an entry of {entry.file_size:,} bytes; too large to check"
            continue
        try:
            raw = archive.read(entry)
        except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as error:
            yield "!docx structure", f"{name} cannot be read ({error})"
            continue
        if entry.comment:
            yield f"docx {name} entry comment", entry.comment.decode("utf-8", "replace")
        if lower.endswith((".xml", ".rels", ".vml")) or raw.lstrip()[:5] == b"<?xml":
            yield from _xml_channels(name, raw)
        elif lower.startswith(("word/media/", "media/")) or lower.endswith((".png", ".jpg", ".jpeg", ".gif",
                                                                              ".tif", ".tiff", ".bmp", ".emf",
                                                                              ".wmf", ".svg")):
            yield from _image_channels(name, raw)
        else:
            yield f"docx {name}{BINARY}", raw.decode("latin-1")


def _xml_channels(name: str, raw: bytes) -> Iterator[tuple[str, str]]:
    text = raw.decode("utf-8", "replace")
    yield f"docx {name} raw{BINARY}", text
    try:
        root = etree.fromstring(raw, _PARSER)
    except etree.XMLSyntaxError as error:
        yield "!docx structure", f"{name} is not well-formed XML ({error}); cannot be checked"
        return
    relationships = name.endswith(".rels")
    local_name = _LocalNames()
    paragraphs: list[str] = []
    loose: list[str] = []
    opaque: list[str] = []  # markup values (style ids, sizes, colours): tens of thousands, read as one text
    for element in root.iter():
        local = local_name[element.tag]
        if local in _PARAGRAPHS:
            pieces = [node.text or "" for node in element.iter() if local_name[node.tag] in _TEXT_TAGS]
            if any(pieces):
                paragraphs.append("".join(pieces))
        elif local in _TEXT_TAGS and not _inside_paragraph(element):
            loose.append(element.text or "")
        elif element.text and element.text.strip() and local not in _TEXT_TAGS:
            loose.append(element.text)
        for attribute, value in element.attrib.items():
            if not value:
                continue
            key = local_name[attribute]
            if relationships and key == "Target":
                external = element.get("TargetMode") == "External"
                channel = f"docx {name} relationship target" + ("" if external else BINARY)
                yield channel, value
                decoded = unquote(value)
                if decoded != value:
                    yield channel, decoded
            elif not relationships and (key in _TEXT_ATTRIBUTES or (key == "val" and local in _TEXT_VALUES)):
                yield f"docx {name} attribute {key}", value
            else:
                opaque.append(value)
    if paragraphs:
        # One paragraph per line: phrases are still found across paragraphs (the word view folds
        # line breaks), but a date ending one paragraph and a section number starting the next do
        # not read as one phone number to the detectors.
        yield f"docx {name} text", "\n".join(paragraphs)
    if loose:
        yield f"docx {name} values", "\n".join(loose)
    if opaque:
        # One channel per part instead of one per attribute: the values are searched for withheld text
        # as before (decoded, unlike in the raw channel), at a fraction of the cost per value.
        yield f"docx {name} attributes{BINARY}", "\n".join(opaque)


def _inside_paragraph(element: etree._Element) -> bool:
    parent = element.getparent()
    while parent is not None:
        if _local(parent.tag) in _PARAGRAPHS:
            return True
        parent = parent.getparent()
    return False


def _image_channels(name: str, raw: bytes) -> Iterator[tuple[str, str]]:
    yield f"docx {name}{BINARY}", raw.decode("latin-1")
    try:
        from PIL import Image
        image = Image.open(io.BytesIO(raw))
        image.load()
    except Exception:  # noqa: BLE001 - an unreadable picture is still searched as bytes above
        if raw[:5] in (b"<?xml", b"<svg ") or b"<svg" in raw[:200]:
            yield from _xml_channels(name, raw)
        return
    for key, value in sorted(image.info.items(), key=lambda item: str(item[0])):
        if isinstance(value, bytes):
            value = value.decode("utf-8", "replace")
        if isinstance(value, str):
            yield f"docx {name} image metadata {key}", value
    text_chunks = getattr(image, "text", None) or {}
    for key, value in sorted(text_chunks.items()):
        yield f"docx {name} image metadata {key}", f"{key} {value}"
    exif: Any
    try:
        exif = image.getexif()
    except Exception:  # noqa: BLE001
        exif = {}
    for tag, value in sorted(exif.items()):
        if isinstance(value, bytes):
            value = value.decode("utf-8", "replace")
        yield f"docx {name} image EXIF {tag}", str(value)
