"""The Word export: real Word structure, neutral properties, reproducible bytes, and a scanner that reads every part.

One test converts the public DOCX to PDF with LibreOffice (headless) and
checks the pages and headings a reader would see there.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from app.content.report_layout import load_styles
from app.export.formats import writer_for
from app.export.pipeline import build_for_audience
from app.session.export import export_file
from app.interchange.examples import example_document
from app.model import Value
from app.redaction import WithheldText, leak_scan
from app.redaction.leak_scan_docx import docx_channels

HAZARDOUS_NAMES = ("FROBNICATE", "Glimmerpox", "Sparrowhawk")


@pytest.fixture(scope="module")
def public_report():
    return build_for_audience(example_document(), "public")


@pytest.fixture(scope="module")
def public_docx(public_report) -> bytes:
    return writer_for("docx", load_styles()).write(public_report)


def _body_text(data: bytes) -> str:
    return "\n".join(text for channel, text in docx_channels(data) if channel.endswith(" text"))


def test_public_docx_passes_the_pipeline_and_holds_nothing_withheld(example_file: Path, tmp_path: Path) -> None:
    output = tmp_path / "public.docx"
    exported = export_file(example_file, "public", "docx", output)
    data = output.read_bytes()
    assert exported.size == len(data) and data.startswith(b"PK")
    text = _body_text(data)
    assert "Halcyon-3" in text and "[redacted: internal detail]" in text
    assert not [name for name in HAZARDOUS_NAMES if name in data.decode("latin-1") or name in text]


def test_word_structure_headings_contents_header_tables_and_pictures(public_report, public_docx: bytes) -> None:
    document = docx.Document(io.BytesIO(public_docx))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == [" ".join(section.heading.split()) for section in public_report.sections]
    assert any(p.style.name == "Title" and p.text == "Halcyon-3" for p in document.paragraphs)
    instructions = " ".join(node.text for node in document.element.body.iter(qn("w:instrText")))
    assert 'TOC \\o "1-3"' in instructions
    header = document.sections[0].header.paragraphs[0].text
    footer = "".join(p.text for p in document.sections[0].footer.paragraphs)
    assert header.strip().startswith("PUBLIC") and "PUBLIC" in footer and "Page" in footer
    assert len(document.tables) > 10
    repeated = document.tables[2]._tbl.find(qn("w:tr")).find(qn("w:trPr")).find(qn("w:tblHeader"))
    assert repeated is not None
    pictures = list(document.element.body.iter(qn("wp:docPr")))
    assert pictures and all(p.get("descr", "").startswith(p.get("name").removeprefix("Chart: ")) for p in pictures)
    assert len({p.get("id") for p in pictures}) == len(pictures)  # Word refuses a file with repeated ids
    assert "Labels shown: Low · Medium · High · Critical · Cybersecurity" in pictures[0].get("descr")


def test_document_properties_are_neutral_and_the_template_left_nothing_behind(public_docx: bytes) -> None:
    document = docx.Document(io.BytesIO(public_docx))
    core = document.core_properties
    assert (core.author, core.last_modified_by, core.comments, core.keywords) == ("Riskwright", "Riskwright", "", "")
    assert core.title == "Frontier model risk assessment: Halcyon-3" and core.subject == "PUBLIC edition"
    assert core.created.year == 2000 and core.modified == core.created
    names = zipfile.ZipFile(io.BytesIO(public_docx)).namelist()
    assert not [n for n in names if "thumbnail" in n or "customXml" in n or "custom.xml" in n]
    app = zipfile.ZipFile(io.BytesIO(public_docx)).read("docProps/app.xml").decode()
    assert "<Application>Riskwright</Application>" in app and "Microsoft" not in app and "Template" not in app
    settings = zipfile.ZipFile(io.BytesIO(public_docx)).read("word/settings.xml").decode()
    assert "removePersonalInformation" in settings and "rsid" not in settings and "docId" not in settings


def test_same_report_same_bytes_with_fixed_entry_dates(public_report, public_docx: bytes) -> None:
    again = writer_for("docx", load_styles()).write(public_report)
    assert again == public_docx
    infos = zipfile.ZipFile(io.BytesIO(public_docx)).infolist()
    assert infos[0].filename == "[Content_Types].xml"
    assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}


def test_numbered_lists_restart_and_nest_and_marked_passages_show_in_the_internal_edition() -> None:
    doc = example_document()
    doc.values["retrospective.process_changes"] = Value(
        "First list:\n\n1. alpha\n2. beta\n    - nested point\n\nSecond list:\n\n1. gamma\n\n"
        "Then [[hazard:bio]]a zqmarkedqz passage[[/hazard]].")
    data = writer_for("docx", load_styles()).write(build_for_audience(doc, "internal"))
    document = docx.Document(io.BytesIO(data))
    numbered = [(p.text, p._p.pPr.numPr) for p in document.paragraphs if p._p.pPr is not None
                and p._p.pPr.numPr is not None]
    ids = {text: (int(num.numId.val), int(num.ilvl.val)) for text, num in numbered}
    assert ids["alpha"][0] == ids["beta"][0] != ids["gamma"][0]
    assert ids["nested point"][1] == 1 and ids["alpha"][1] == 0
    numbering = document.part.numbering_part.element
    gamma = next(n for n in numbering.findall(qn("w:num")) if int(n.get(qn("w:numId"))) == ids["gamma"][0])
    assert gamma.find(qn("w:lvlOverride")).find(qn("w:startOverride")).get(qn("w:val")) == "1"
    marked = next(p for p in document.paragraphs if "zqmarkedqz" in p.text)
    assert "HAZARDOUS · BIOLOGY" in marked.text


def _package(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


def _png_with_text(key: str, value: str) -> bytes:
    from PIL import Image, PngImagePlugin
    info = PngImagePlugin.PngInfo()
    info.add_text(key, value, zip=True)  # compressed (zTXt): not readable in the raw bytes
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(out, format="PNG", pnginfo=info)
    return out.getvalue()


W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def test_the_scanner_reads_every_part_of_a_package() -> None:
    """Canaries hidden in each part a Word file has; the scanner must name every one."""
    places = {
        "body split over runs": ("word/document.xml", f'<w:document {W}><w:body><w:p><w:r><w:t>zqbo</w:t></w:r>'
                                 f'<w:r><w:t>dyqz</w:t></w:r></w:p></w:body></w:document>', "zqbodyqz"),
        "header": ("word/header1.xml", f'<w:hdr {W}><w:p><w:r><w:t>zqheaderqz</w:t></w:r></w:p></w:hdr>',
                   "zqheaderqz"),
        "footer": ("word/footer1.xml", f'<w:ftr {W}><w:p><w:r><w:t>zqfooterqz</w:t></w:r></w:p></w:ftr>',
                   "zqfooterqz"),
        "footnote": ("word/footnotes.xml", f'<w:footnotes {W}><w:footnote w:id="1"><w:p><w:r><w:t>zqfootnoteqz'
                     '</w:t></w:r></w:p></w:footnote></w:footnotes>', "zqfootnoteqz"),
        "comment author": ("word/comments.xml", f'<w:comments {W}><w:comment w:id="0" w:author="zqauthorqz">'
                           '<w:p><w:r><w:t>zqcommentqz</w:t></w:r></w:p></w:comment></w:comments>', "zqauthorqz"),
        "deleted revision": ("word/endnotes.xml", f'<w:endnotes {W}><w:endnote w:id="1"><w:p><w:del><w:r>'
                             '<w:delText>zqdeletedqz</w:delText></w:r></w:del></w:p></w:endnote></w:endnotes>',
                             "zqdeletedqz"),
        "core properties": ("docProps/core.xml", '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/'
                            'package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
                            '<dc:title>zqtitleqz</dc:title></cp:coreProperties>', "zqtitleqz"),
        "app properties": ("docProps/app.xml", '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/'
                           '2006/extended-properties"><Company>zqcompanyqz</Company></Properties>', "zqcompanyqz"),
        "custom properties": ("docProps/custom.xml", '<Properties xmlns="http://schemas.openxmlformats.org/'
                              'officeDocument/2006/custom-properties"><property name="zqpropnameqz"><vt:lpwstr '
                              'xmlns:vt="x">zqpropvalueqz</vt:lpwstr></property></Properties>', "zqpropvalueqz"),
        "relationship target": ("word/_rels/document.xml.rels", '<Relationships xmlns="http://schemas.openxmlformats'
                                '.org/package/2006/relationships"><Relationship Id="rId9" Type="hyperlink" '
                                'Target="https://example.org/zq%72elqz" TargetMode="External"/></Relationships>',
                                "zqrelqz"),
        "alt text": ("word/document2.xml", '<w:document xmlns:w="x" xmlns:wp="y"><wp:docPr id="1" name="p" '
                     'descr="zqalttextqz"/></w:document>', "zqalttextqz"),
    }
    parts = {name: xml.encode() for name, xml, _ in places.values()}
    parts["word/media/image1.png"] = _png_with_text("Comment", "zqimagemetaqz")
    parts["word/zqpartnameqz.xml"] = b"<x/>"
    canaries = {word: where for where, (_, _, word) in places.items()}
    canaries.update({"zqimagemetaqz": "image metadata", "zqpartnameqz": "part name"})
    found = {leak.matched for leak in leak_scan(_package(parts), "docx",
                                                [WithheldText(w, where) for w, where in canaries.items()])}
    missing = sorted(where for word, where in canaries.items() if word not in found)
    assert not missing, f"the DOCX reader missed: {missing}"


@pytest.mark.parametrize("parts, problem", [
    ({"word/document.xml": b"<a/>", "word/vbaProject.bin": b"macro"}, "macros"),
    ({"word/embeddings/oleObject1.bin": b"x"}, "embedded objects"),
    ({"word/document.xml": b"<a><b></a>"}, "not well-formed"),
])
def test_the_scanner_refuses_what_it_cannot_vouch_for(parts: dict[str, bytes], problem: str) -> None:
    leaks = leak_scan(_package(parts), "docx")
    assert any(leak.kind == "structure" and problem in leak.matched for leak in leaks), [str(x) for x in leaks]


def test_an_encrypted_or_broken_file_is_refused() -> None:
    assert leak_scan(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "docx")[0].kind == "structure"
    assert leak_scan(b"not a zip", "docx")[0].kind == "structure"


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed; "
                    ".ci/run installs libreoffice-writer")
def test_libreoffice_opens_the_public_docx_of_the_report_and_of_every_kind(public_report, public_docx: bytes,
                                                                          tmp_path: Path) -> None:
    from pypdf import PdfReader

    from app.content.report_kinds import load_kinds
    reports = {"assessment": (public_report, public_docx)}
    for kind in sorted(load_kinds()):
        report = build_for_audience(example_document(), "public", kind=kind)
        reports[kind] = (report, writer_for("docx", load_styles()).write(report))
    sources = []
    for name, (_report, data) in reports.items():
        source = tmp_path / f"{name}.docx"
        source.write_bytes(data)
        sources.append(str(source))
    profile = tmp_path / "lo-profile"
    completed = subprocess.run(  # one LibreOffice start converts them all
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), *sources], capture_output=True, text=True, timeout=300)
    for name, (report, data) in reports.items():
        converted = tmp_path / f"{name}.pdf"
        assert converted.exists(), name + ": " + completed.stdout + completed.stderr
        reader = PdfReader(str(converted))
        flat = " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())
        low, high = (15, 60) if name == "assessment" else (5, 40)
        assert low <= len(reader.pages) <= high, (name, len(reader.pages))
        for section in report.sections:
            assert " ".join(section.heading.split()) in flat, (name, section.heading)
        assert flat.count("PUBLIC") >= len(reader.pages), name  # the banner on every page
        assert docx.Document(io.BytesIO(data)).paragraphs[0].text  # python-docx opens it too
