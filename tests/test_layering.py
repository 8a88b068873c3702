"""The layering of ``shared/design.md``: no Qt in the core, each package imports only the layers below it."""

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


def _all_imports(path: Path) -> set[str]:
    """Every ``app`` module named by an import anywhere in the file (inside functions too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.split(".")[0] == "app"}
        elif (isinstance(node, ast.ImportFrom) and node.module and node.level == 0
              and node.module.split(".")[0] == "app"):
            found.add(node.module)
    return found


_CORE = {"app", "app.places"}
"""``from app import __version__`` and ``app.places`` (the machine's folders, standard library only)
are allowed everywhere."""
ALLOWED = {
    "model": {"app.model"},
    "content": {"app.model", "app.content"},
    "store": {"app.model", "app.store"},
    "checks": {"app.model", "app.content", "app.checks"},
    "redaction": {"app.model", "app.content", "app.redaction"},
    "export": {"app.model", "app.content", "app.checks", "app.redaction", "app.export"},
    "interchange": {"app.model", "app.content", "app.store", "app.interchange"},
    "portfolio": {"app.model", "app.content", "app.store", "app.checks", "app.redaction", "app.export",
                  "app.interchange", "app.portfolio"},
    "session": {"app.model", "app.content", "app.store", "app.checks", "app.redaction", "app.export",
                "app.interchange", "app.portfolio", "app.session"},
    "cli": {"app.model", "app.content", "app.store", "app.checks", "app.redaction", "app.export",
            "app.interchange", "app.portfolio", "app.session", "app.cli"},
}
"""The table in ``shared/design.md``. Not in it: ``interchange`` (YAML <-> document, and the bundled
example written as a ``.rwa``, so it sits beside the store), ``portfolio`` (many assessments read
at once, for the lead's view and the quarterly update) and ``session`` (the application layer
between cli/ui and the core)."""
LAUNCHER = {("app/cli/cmd_app.py", "app.ui.main")}
"""``riskwright`` with no command opens the window: the one place the CLI names the UI."""


def test_every_package_is_in_the_table():
    packages = {p.name for p in APP.iterdir() if (p / "__init__.py").exists()}
    assert packages - {"ui"} <= set(ALLOWED), f"packages missing from the layering table: {packages - set(ALLOWED)}"


def test_packages_only_import_the_layers_below_them():
    for package, allowed in ALLOWED.items():
        for path in (APP / package).rglob("*.py"):
            for name in _all_imports(path):
                layer = ".".join(name.split(".")[:2])
                where = str(path.relative_to(APP.parent))
                assert layer in allowed | _CORE or (where, name) in LAUNCHER, f"{where} imports {name}"


def test_the_model_uses_only_the_standard_library():
    stdlib = set(sys.stdlib_module_names) | {"app", "__future__"}
    for path in (APP / "model").rglob("*.py"):
        for name in _imports(path):
            assert name.split(".")[0] in stdlib, f"{path.name} imports {name}"
