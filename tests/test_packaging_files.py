"""The desktop bundle's static files: what a Linux desktop reads to show, launch and associate Riskwright.

These run with the normal suite and need no build; tests/test_packaging_smoke.py builds the bundle.
"""

from __future__ import annotations

import ast
import configparser
import contextlib
import importlib.util
import os
import shutil
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from app import __version__
from app.content.locate import CONTENT_FOLDERS

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
APP_ID = "org.riskwright.Riskwright"
MIME_TYPE = "application/x-riskwright-assessment"
DESKTOP_FILE = PACKAGING / f"{APP_ID}.desktop"
METAINFO = PACKAGING / f"{APP_ID}.metainfo.xml"
MIME_XML = PACKAGING / "riskwright-mime.xml"
SPEC = PACKAGING / "riskwright.spec"
MIME_NS = "{http://www.freedesktop.org/standards/shared-mime-info}"


def desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    parser.optionxform = str  # keys are case-sensitive in desktop files
    parser.read(DESKTOP_FILE, encoding="utf-8")
    return parser["Desktop Entry"]


def test_desktop_file_launches_the_app_and_claims_rwa_files():
    entry = desktop_entry()
    assert entry["Type"] == "Application"
    assert entry["Name"] == "Riskwright"
    # %f: a file manager passes the double-clicked assessment; the bundle's entry point treats a
    # bare `open` (menu start, no file) as starting the app.
    assert entry["Exec"] == "riskwright open %f"
    assert entry["TryExec"] == "riskwright"
    assert entry["Icon"] == APP_ID
    assert entry["Terminal"] == "false"
    assert MIME_TYPE in entry["MimeType"].split(";")
    assert "Office" in entry["Categories"].split(";")
    assert entry["StartupWMClass"] == "Riskwright"  # Qt's window class is the application name


def test_bundle_entry_point_turns_a_bare_open_into_starting_the_app():
    source = (PACKAGING / "riskwright_main.py").read_text(encoding="utf-8")
    assert 'if arguments == ["open"]:' in source
    assert "from app.cli import main" in source


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="desktop-file-utils is not installed")
def test_desktop_file_passes_desktop_file_validate():
    result = subprocess.run(["desktop-file-validate", str(DESKTOP_FILE)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_metainfo_describes_this_release_and_points_at_the_desktop_file_and_mime_type():
    component = ET.parse(METAINFO).getroot()
    assert component.tag == "component" and component.get("type") == "desktop-application"
    assert component.findtext("id") == APP_ID
    assert component.find("launchable").text == DESKTOP_FILE.name
    assert component.find("provides/binary").text == "riskwright"
    assert component.find("provides/mediatype").text == MIME_TYPE
    assert component.findtext("metadata_license")
    assert component.findtext("summary")
    assert component.find("description/p") is not None
    newest = component.find("releases/release")
    assert newest.get("version") == __version__, "add a <release> for the new version to the metainfo"


@pytest.mark.skipif(shutil.which("appstreamcli") is None, reason="appstream is not installed")
def test_metainfo_passes_appstreamcli_validate():
    result = subprocess.run(["appstreamcli", "validate", "--no-net", str(METAINFO)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mime_type_recognises_rwa_by_name_not_by_the_shared_sqlite_magic():
    root = ET.parse(MIME_XML).getroot()
    assert root.tag == f"{MIME_NS}mime-info"
    (mime,) = root.findall(f"{MIME_NS}mime-type")
    assert mime.get("type") == MIME_TYPE
    assert [glob.get("pattern") for glob in mime.findall(f"{MIME_NS}glob")] == ["*.rwa"]
    assert mime.find(f"{MIME_NS}magic") is None
    # Content sniffing says "SQLite"; only a sub-class of it lets the *.rwa name still win.
    assert mime.find(f"{MIME_NS}sub-class-of").get("type") == "application/vnd.sqlite3"
    assert mime.find(f"{MIME_NS}icon").get("name") == APP_ID


@pytest.mark.skipif(shutil.which("update-mime-database") is None, reason="shared-mime-info is not installed")
def test_an_assessment_file_is_recognised_once_the_mime_type_is_installed(tmp_path, example_file):
    data_home = tmp_path / "share"
    (data_home / "mime" / "packages").mkdir(parents=True)
    shutil.copy(MIME_XML, data_home / "mime" / "packages" / f"{APP_ID}.xml")
    subprocess.run(["update-mime-database", str(data_home / "mime")], check=True, capture_output=True)
    probe = ("import sys; from PySide6.QtCore import QMimeDatabase; "
             "print(QMimeDatabase().mimeTypeForFile(sys.argv[1]).name())")
    environment = {**os.environ, "XDG_DATA_HOME": str(data_home), "XDG_DATA_DIRS": "/usr/share"}
    result = subprocess.run([sys.executable, "-c", probe, str(example_file)], capture_output=True, text=True,
                            env=environment)
    assert result.stdout.strip() == MIME_TYPE, result.stderr


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", header[16:24])


def load_icon_renderer():
    spec = importlib.util.spec_from_file_location("render_icons", PACKAGING / "render_icons.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_icons_exist_in_every_hicolor_size_and_as_svg():
    hicolor = PACKAGING / "icons" / "hicolor"
    for size in (16, 22, 24, 32, 48, 64, 128, 256, 512):
        assert png_size(hicolor / f"{size}x{size}" / "apps" / f"{APP_ID}.png") == (size, size)
    svg = ET.parse(hicolor / "scalable" / "apps" / f"{APP_ID}.svg").getroot()
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"


def test_png_icons_are_rendered_from_the_current_svg(qapp):
    """Changing the SVG without running packaging/render_icons.py would ship stale PNGs."""
    from PySide6.QtGui import QImage

    renderer = load_icon_renderer()
    for size in (16, 48, 256):
        fresh = renderer.render_image(size).convertToFormat(QImage.Format.Format_ARGB32)
        committed = QImage(str(renderer.png_path(size))).convertToFormat(QImage.Format.Format_ARGB32)
        assert fresh.size() == committed.size()
        differing = sum(fresh.pixel(x, y) != committed.pixel(x, y) for x in range(size) for y in range(size))
        assert differing <= size * size // 50, f"{size}px icon: re-run packaging/render_icons.py"


def spec_assignments() -> dict[str, object]:
    """The spec's literal top-level assignments (it is Python, but runs only inside PyInstaller)."""
    tree = ast.parse(SPEC.read_text(encoding="utf-8"), str(SPEC))
    values = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            with contextlib.suppress(ValueError):
                values[node.targets[0].id] = ast.literal_eval(node.value)
    return values


def test_spec_bundles_the_content_folders_content_root_looks_for():
    assert spec_assignments()["CONTENT_FOLDERS"] == CONTENT_FOLDERS == ("forms", "schemas", "reports", "resources")
    assert '"app/_content"' in SPEC.read_text(encoding="utf-8")


def test_spec_leaves_out_the_web_engine_and_qml_and_builds_one_folder():
    never = spec_assignments()["NEVER_BUNDLED"]
    for module in ("QtWebEngineCore", "QtWebEngineWidgets", "QtQml", "QtQuick", "QtQuickWidgets", "Qt3DCore"):
        assert module in never
    source = SPEC.read_text(encoding="utf-8")
    assert "exclude_binaries=True" in source and "COLLECT(" in source  # one folder, not one file
    assert "COMMAND_MODULES" in source and 'collect_submodules("app")' in source


@pytest.mark.parametrize("script", ["build.sh", "install.sh"])
def test_shell_scripts_are_executable_and_parse(script):
    path = PACKAGING / script
    assert os.access(path, os.X_OK)
    result = subprocess.run(["bash", "-n", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_install_script_explains_itself():
    result = subprocess.run([str(PACKAGING / "install.sh"), "--help"], capture_output=True, text=True)
    assert result.returncode == 0
    assert "--prefix" in result.stdout and "--uninstall" in result.stdout
    wrong = subprocess.run([str(PACKAGING / "install.sh"), "--frobnicate"], capture_output=True, text=True)
    assert wrong.returncode == 2 and "unknown option" in wrong.stderr
