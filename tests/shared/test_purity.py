"""The engine stays pure: no web, voice, terminal or database imports anywhere in shared/ except
the storage subpackage, which is the one place allowed to do I/O."""

from __future__ import annotations

import ast
from pathlib import Path

import shared

FORBIDDEN = {
    "flask",
    "ask_sdk_core",
    "ask_sdk_model",
    "prompt_toolkit",
    "sqlalchemy",
    "psycopg",
    "socket",
    "urllib",
    "requests",
    "http",
    "time",
    "random",
    "threading",
    "asyncio",
}
ROOT = Path(shared.__file__).parent


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_engine_modules_import_no_io_frameworks() -> None:
    engine_files = [p for p in ROOT.rglob("*.py") if "storage" not in p.relative_to(ROOT).parts]
    assert len(engine_files) >= 8
    offenders = {str(p.relative_to(ROOT)): sorted(_imports(p) & FORBIDDEN) for p in engine_files}
    assert {k: v for k, v in offenders.items() if v} == {}
