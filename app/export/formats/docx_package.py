"""The DOCX package around the report: styles, numbering, settings, properties, reproducible bytes.

python-docx starts from its bundled template, which carries things a report
must not: a thumbnail picture of some other document, custom XML items, a
"Microsoft Macintosh Word" application record, revision-save ids (rsids)
and a random document id. They are removed here, so every part of the
package is one this module or the writer put there on purpose, and the
document properties say only what the report's audience may read.

Saving goes through ``reproducible_zip``: entries in a fixed order, each
dated 1980-01-01 with fixed attributes, so the same report gives the same
bytes (python-docx would stamp the current time on every entry).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from xml.sax.saxutils import escape

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from lxml import etree

from app.content.report_layout import ReportStyles

FONT = "Arial"
"""Available to Word everywhere; LibreOffice substitutes a metric-compatible face."""
MONO_FONT = "Courier New"
FIXED_TIME = dt.datetime(2000, 1, 1, 0, 0, 0)
"""The creation and modification time every edition records (as the PDF's ``invariant`` mode does)."""
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
BULLET_LIST, NUMBERED_LIST = 900, 901
"""Abstract numbering ids this module defines (bullets; decimal numbers restarting per list)."""

_DROPPED_PACKAGE_RELS = {RT.THUMBNAIL, RT.CUSTOM_PROPERTIES}
_DROPPED_DOCUMENT_RELS = {RT.CUSTOM_XML, RT.WEB_SETTINGS,
                          "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"}


def _rgb(hex_colour: str) -> RGBColor:
    return RGBColor.from_string(hex_colour.lstrip("#").upper())


def new_document(styles: ReportStyles) -> docx.document.Document:
    """An empty document with the report's page, type and list styles, and nothing else inside."""
    document = docx.Document()
    package = document.part.package
    for rid, rel in list(package.rels.items()):
        if rel.reltype in _DROPPED_PACKAGE_RELS:
            package.rels.pop(rid)
    for rid, rel in list(document.part.rels.items()):
        if rel.reltype in _DROPPED_DOCUMENT_RELS:
            document.part.rels.pop(rid)
    _page(document, styles)
    _type(document, styles)
    _numbering(document)
    _settings(document)
    return document


def _page(document: docx.document.Document, styles: ReportStyles) -> None:
    section = document.sections[0]
    width, height = (Mm(210), Mm(297)) if styles.page_size.upper() == "A4" else (Pt(612), Pt(792))
    section.page_width, section.page_height = width, height
    margins = styles.margins_mm
    section.top_margin, section.bottom_margin = Mm(margins["top"]), Mm(margins["bottom"])
    section.left_margin, section.right_margin = Mm(margins["left"]), Mm(margins["right"])
    section.header_distance = section.footer_distance = Mm(8)


def _type(document: docx.document.Document, styles: ReportStyles) -> None:
    colours = styles.colours
    sizes = styles.type
    all_styles = document.styles
    for style in all_styles:
        for rsid in style.element.findall(qn("w:rsid")):
            style.element.remove(rsid)
    normal = all_styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(sizes["body"].size)
    normal.font.color.rgb = _rgb(colours["ink"])
    _east_asian(normal.element)
    normal.paragraph_format.space_after = Pt(4)
    normal.paragraph_format.line_spacing = Pt(sizes["body"].leading)
    normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.AT_LEAST  # "exact" would clip pictures
    for name, size, colour in (("Title", "title", "ink"), ("Heading 1", "heading1", "accent"),
                               ("Heading 2", "heading2", "accent"), ("Heading 3", "heading3", "ink"),
                               ("Heading 4", "body", "ink")):
        style = all_styles[name]
        style.font.name = FONT
        style.font.size = Pt(sizes[size].size)
        style.font.color.rgb = _rgb(colours[colour])
        style.font.bold = True
        style.font.italic = False
        _east_asian(style.element)
        style.paragraph_format.line_spacing = Pt(sizes[size].leading)
        style.paragraph_format.line_spacing_rule = WD_LINE_SPACING.AT_LEAST
        style.paragraph_format.space_before = Pt(sizes[size].size * 0.9)
        style.paragraph_format.space_after = Pt(sizes[size].size * 0.35)
        style.paragraph_format.keep_with_next = True
    for name, size in (("Caption", "small"), ("Header", "small"), ("Footer", "small")):
        style = all_styles[name]
        style.font.name = FONT
        style.font.size = Pt(sizes[size].size)
        style.font.color.rgb = _rgb(colours["muted"])
        style.font.bold = False
    code = all_styles.add_style("Code Block", WD_STYLE_TYPE.PARAGRAPH)
    code.base_style = normal
    code.font.name = MONO_FONT
    code.font.size = Pt(sizes["code"].size)
    code.paragraph_format.space_after = Pt(0)
    table_text = all_styles.add_style("Table Text", WD_STYLE_TYPE.PARAGRAPH)
    table_text.base_style = normal
    table_text.font.size = Pt(sizes["table"].size)
    table_text.paragraph_format.space_after = Pt(0)
    table_text.paragraph_format.line_spacing = Pt(sizes["table"].leading)
    table_text.paragraph_format.line_spacing_rule = WD_LINE_SPACING.AT_LEAST
    muted = all_styles.add_style("Muted", WD_STYLE_TYPE.PARAGRAPH)
    muted.base_style = normal
    muted.font.italic = True
    muted.font.color.rgb = _rgb(colours["muted"])
    banner = all_styles.add_style("Banner", WD_STYLE_TYPE.PARAGRAPH)
    banner.base_style = normal
    banner.font.bold = True
    banner.font.size = Pt(sizes["small"].size + 1)
    banner.paragraph_format.space_after = Pt(6)
    for name in ("Quote", "List Paragraph"):
        all_styles[name].font.color.rgb = _rgb(colours["ink"])


def _east_asian(style_element: etree._Element) -> None:
    """Name the face for every script, so Word does not fall back to the theme's font."""
    fonts = style_element.find(qn("w:rPr") + "/" + qn("w:rFonts"))
    if fonts is not None:
        for attribute in ("w:eastAsia", "w:cs"):
            fonts.set(qn(attribute), FONT)
        for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(attribute), None)


def _level(ilvl: int, numbered: bool) -> str:
    indent = 360 * (ilvl + 1)
    if numbered:
        fmt, text = ("decimal", f"%{ilvl + 1}.") if ilvl % 3 == 0 else \
            (("lowerLetter", f"%{ilvl + 1}.") if ilvl % 3 == 1 else ("lowerRoman", f"%{ilvl + 1}."))
        fonts = ""
    else:
        fmt, text = "bullet", "\u2022" if ilvl % 2 == 0 else "\u2013"
        fonts = f'<w:rPr><w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}"/></w:rPr>'
    return (f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
            f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
            f'<w:pPr><w:ind w:left="{indent}" w:hanging="270"/></w:pPr>{fonts}</w:lvl>')


def _numbering(document: docx.document.Document) -> None:
    numbering = document.part.numbering_part.element
    namespace = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    first_num = numbering.find(qn("w:num"))
    for abstract_id, numbered in ((BULLET_LIST, False), (NUMBERED_LIST, True)):
        levels = "".join(_level(i, numbered) for i in range(6))
        element = etree.fromstring(
            f'<w:abstractNum {namespace} w:abstractNumId="{abstract_id}">'
            f'<w:multiLevelType w:val="multilevel"/>{levels}</w:abstractNum>')
        if first_num is not None:
            first_num.addprevious(element)
        else:
            numbering.append(element)


def add_list(document: docx.document.Document, numbered: bool, start: int = 1) -> int:
    """A new list instance (so each numbered list starts again at ``start``); its num id."""
    numbering = document.part.numbering_part.element
    used = [int(n.get(qn("w:numId"))) for n in numbering.findall(qn("w:num"))]
    num_id = max([1000, *used]) + 1
    override = (f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="{start}"/></w:lvlOverride>'
                if numbered else "")
    numbering.append(etree.fromstring(
        f'<w:num xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" w:numId="{num_id}">'
        f'<w:abstractNumId w:val="{NUMBERED_LIST if numbered else BULLET_LIST}"/>{override}</w:num>'))
    return num_id


def _settings(document: docx.document.Document) -> None:
    settings = document.settings.element
    for tag in ("w:rsids", "w:savePreviewPicture", "w:proofState", "w:attachedTemplate"):
        for found in settings.findall(qn(tag)):
            settings.remove(found)
    for found in settings.findall("{http://schemas.microsoft.com/office/word/2010/wordml}docId"):
        settings.remove(found)
    # Ask Word to refresh the contents and page numbers on opening (it asks the reader first). The
    # schema fixes where each setting goes: updateFields sits just before compat.
    update = w_element("updateFields", val="true")
    compat = settings.find(qn("w:compat"))
    if compat is not None:
        compat.addprevious(update)
    else:
        settings.append(update)


def protect_personal_data(document: docx.document.Document) -> None:
    """Ask Word to drop author names and times from comments and revisions when someone saves an edit."""
    settings = document.settings.element
    zoom = settings.find(qn("w:zoom"))
    for tag in ("removeDateAndTime", "removePersonalInformation"):
        element = w_element(tag)
        if zoom is not None:
            zoom.addnext(element)
        else:
            settings.insert(0, element)


def w_element(tag: str, **attrs: str) -> etree._Element:
    element = etree.Element(qn(f"w:{tag}"))
    for key, value in attrs.items():
        element.set(qn(f"w:{key}"), value)
    return element


def set_properties(document: docx.document.Document, title: str, subject: str, language: str = "en") -> None:
    """Neutral document properties: the report's title and edition, a fixed time, no person, no template."""
    core = document.core_properties
    core.title = title
    core.subject = subject
    core.author = "Riskwright"
    core.last_modified_by = "Riskwright"
    core.comments = ""
    core.keywords = ""
    core.category = ""
    core.content_status = ""
    core.identifier = ""
    core.version = ""
    core.language = language
    core.revision = 1
    core.created = core.modified = FIXED_TIME
    core.last_printed = FIXED_TIME
    extended = next(rel.target_part for rel in document.part.package.rels.values()
                    if rel.reltype == RT.EXTENDED_PROPERTIES)
    extended._blob = (  # noqa: SLF001 - python-docx has no API for app.xml; replace the template's record
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
        f"<Application>{escape('Riskwright')}</Application><DocSecurity>0</DocSecurity>"
        "<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>"
        "<HyperlinksChanged>false</HyperlinksChanged></Properties>").encode()


def reproducible_zip(data: bytes) -> bytes:
    """The same package with fixed entry dates and attributes, ``[Content_Types].xml`` first."""
    source = zipfile.ZipFile(io.BytesIO(data))
    return _zipped([(name, source.read(name)) for name in source.namelist()])


def _zipped(entries: list[tuple[str, bytes]]) -> bytes:
    """Entries (name, bytes; a name written twice holds its last bytes, as in a ZIP file) as the
    reproducible package: fixed dates and attributes, ``[Content_Types].xml`` first."""
    blobs = dict(entries)
    order = sorted((name for name, _ in entries), key=lambda n: (n != "[Content_Types].xml", n != "_rels/.rels", n))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in order:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            info.create_system = 0
            target.writestr(info, blobs[name], compresslevel=6)
    return out.getvalue()


class _Entries:
    """Stands in for python-docx's ZIP writer: keeps each entry's bytes instead of compressing them."""

    def __init__(self) -> None:
        self.entries: list[tuple[str, bytes]] = []

    def write(self, pack_uri: object, blob: bytes) -> None:
        self.entries.append((pack_uri.membername, blob))  # type: ignore[attr-defined]


def _saved_entries(document: docx.document.Document) -> list[tuple[str, bytes]] | None:
    """What ``document.save`` writes, entry by entry, without compressing it (the package is compressed
    once, by ``_zipped``; compressing it twice cost a tenth of a second on the large example). None
    when python-docx's writer is not laid out as expected: the caller then saves the usual way."""
    try:
        from docx.opc.pkgwriter import PackageWriter
        package = document.part.package
        for part in package.parts:  # as OpcPackage.save does before writing
            part.before_marshal()
        sink = _Entries()
        PackageWriter._write_content_types_stream(sink, package.parts)
        PackageWriter._write_pkg_rels(sink, package.rels)
        PackageWriter._write_parts(sink, package.parts)  # type: ignore[arg-type]
        return sink.entries
    except (AttributeError, TypeError):
        return None


def _prune_styles(document: docx.document.Document) -> None:
    """Drop the template's styles the report never uses (mostly 140 table styles): a third of a
    megabyte of XML that every save writes and every output scan would read. A person editing the
    document still gets Word's built-in styles, which Word adds back when they are applied."""
    val = qn("w:val")
    styles_part = document.part.part_related_by(RT.STYLES)
    used: set[str] = set()
    for part in document.part.package.iter_parts():
        element = getattr(part, "element", None)
        if element is None or part is styles_part:
            continue
        for tag in ("w:pStyle", "w:rStyle", "w:tblStyle"):
            used.update(node.get(val) for node in element.iter(qn(tag)))
    root = styles_part.element  # type: ignore[attr-defined]
    by_id = {style.get(qn("w:styleId")): style for style in root.iter(qn("w:style"))}
    pending = [*used, *(sid for sid, style in by_id.items() if style.get(qn("w:default")) in ("1", "true"))]
    keep: set[str] = set()
    while pending:
        sid = pending.pop()
        if sid in keep or sid not in by_id:
            continue
        keep.add(sid)
        for tag in ("w:basedOn", "w:next", "w:link"):
            node = by_id[sid].find(qn(tag))
            if node is not None:
                pending.append(node.get(val))
    for sid, style in by_id.items():
        if sid not in keep:
            root.remove(style)


def finished_bytes(document: docx.document.Document) -> bytes:
    _prune_styles(document)
    entries = _saved_entries(document)
    if entries is not None:
        return _zipped(entries)
    buffer = io.BytesIO()
    document.save(buffer)
    return reproducible_zip(buffer.getvalue())
