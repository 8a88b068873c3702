"""The layering of ``shared/design.md`` holds: contracts in ``pyproject.toml``, checked by import-linter.

The contracts (``[tool.importlinter]``) name every layer — the front ends
(``ui``, ``cli``) over the application layer (``session``) over the core — and
forbid Qt outside ``app.ui``, the store below the application layer, anything
but the standard library in the model, and import cycles between modules at
any depth (imports inside functions and under ``TYPE_CHECKING`` count). Run
them by hand with ``lint-imports``. Two more checks need Python itself: the
core really imports with Qt blocked, and the model needs nothing outside the
standard library.
"""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app"

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


def test_the_import_contracts_hold(capsys):
    from importlinter.cli import lint_imports
    code = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True)
    report = capsys.readouterr().out
    assert code == 0, report
    assert "0 broken" in report


def test_every_package_has_a_layer():
    import tomllib
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    layers = next(c for c in contracts if c["id"] == "layers")["layers"]
    named = {name.strip() for layer in layers for name in layer.split("|")}
    packages = {f"app.{p.name}" for p in APP.iterdir() if (p / "__init__.py").exists()}
    assert packages <= named, f"packages with no layer in pyproject.toml: {sorted(packages - named)}"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module if node.module.startswith("app.") else node.module.split(".")[0])
    return found


def test_the_model_uses_only_the_standard_library():
    stdlib = set(sys.stdlib_module_names) | {"app", "__future__"}
    for path in (APP / "model").rglob("*.py"):
        for name in _imports(path):
            assert name.split(".")[0] in stdlib, f"{path.name} imports {name}"
