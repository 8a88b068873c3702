"""The core runs without Qt, and the model needs nothing beyond the standard library."""

import ast
import subprocess
import sys
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app"

BLOCK_QT = """
import importlib.abc, sys
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name == "PySide6" or name.startswith("PySide6."):
            raise ImportError("Qt is blocked in this test")
sys.meta_path.insert(0, Block())
import pkgutil, importlib, app
for info in pkgutil.walk_packages(app.__path__, "app."):
    if info.name.startswith("app.ui") or info.name.endswith("__main__"):
        continue
    importlib.import_module(info.name)
from app.cli import main
sys.exit(main(["--version"]))
"""


def test_every_core_module_imports_with_qt_blocked():
    result = subprocess.run([sys.executable, "-c", BLOCK_QT], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module if node.module.startswith("app.") else node.module.split(".")[0])
    return found


ALLOWED = {
    "model": {"app.model"},
    "content": {"app.model", "app.content"},
    "store": {"app.model", "app.store", "app"},
    "checks": {"app.model", "app.content", "app.checks"},
    "redaction": {"app.model", "app.content", "app.redaction", "app.store"},
}


def test_packages_only_import_the_layers_below_them():
    for package, allowed in ALLOWED.items():
        for path in (APP / package).rglob("*.py"):
            for name in _imports(path):
                if not name.startswith("app"):
                    continue
                layer = ".".join(name.split(".")[:2]) if name != "app" else "app"
                assert layer in allowed, f"{path.relative_to(APP.parent)} imports {name}"


def test_the_model_uses_only_the_standard_library():
    stdlib = set(sys.stdlib_module_names) | {"app", "__future__"}
    for path in (APP / "model").rglob("*.py"):
        for name in _imports(path):
            assert name.split(".")[0] in stdlib, f"{path.name} imports {name}"
