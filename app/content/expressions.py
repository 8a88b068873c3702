"""The CEL expression engine, without its interactive shell.

``import cel`` also imports the package's REPL (typer, rich, prompt_toolkit):
about 0.15 s of start-up for every command and the window, for a module
Riskwright never uses. An empty stand-in registered before the first import
keeps the engine (a Rust extension) and drops the shell. Import ``cel`` from
here, never directly.
"""

from __future__ import annotations

import sys
import types

if "cel" not in sys.modules:
    sys.modules.setdefault("cel.cli", types.ModuleType("cel.cli"))

import cel  # noqa: E402  (must follow the stand-in)

__all__ = ["cel"]
