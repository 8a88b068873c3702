"""A non-editable install carries forms/, schemas/, reports/ and resources/ and finds them."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return next(out.glob("riskwright-*.whl"))


def test_the_wheel_carries_the_content_folders(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder in ("forms", "schemas", "reports", "resources"):
        assert any(n.startswith(f"app/_content/{folder}/") for n in names), folder
    assert "app/_content/forms/header.yaml" in names
    assert "app/_content/resources/examples/example.yaml" in names
    assert not any(n.startswith("tests/") for n in names)


def test_the_installed_package_finds_its_content_without_the_source_tree(wheel, tmp_path):
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    probe = ("from app.content.locate import content_root; from app.content.forms import load_forms; "
             "from app.interchange.examples import example_document; "
             "print(content_root()); load_forms(); print(example_document().get('header.model.name'))")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=tmp_path,
                            env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    root, name = result.stdout.split("\n")[:2]
    assert root == str(site / "app" / "_content")
    assert name
