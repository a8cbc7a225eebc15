"""The use-case services of ``src/cheguan``, read with ``ast``, and what reaches them.

A public use-case service is a public module-level function of an app's ``services``
module (``cheguan/<app>/services.py`` or ``cheguan/<app>/services/*.py``) that takes a
keyword-only ``actor``. People reach the product through its entry points: pages
(``views.py``, ``views/``, ``*_views.py``, ``cheguan/web``), the API (``api.py``, ``api/``,
``*_api.py``, ``cheguan/api.py``), commands (``management/commands/``, ``cheguan/cli.py``),
tasks (``tasks.py``), receivers (``receivers.py``, ``signals.py``).
"""

from __future__ import annotations

import ast
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
PACKAGE = SRC / "cheguan"


@dataclass(frozen=True)
class Service:
    module: str  # cheguan.registry.services.records
    name: str
    node: ast.FunctionDef

    def __str__(self) -> str:
        return f"{self.module}.{self.name}"


def module_name(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules_paths() -> dict[str, str]:
    """Every module of the package but its migrations: dotted name → file path."""
    return {
        module_name(path): str(path)
        for path in sorted(PACKAGE.rglob("*.py"))
        if "migrations" not in path.parts
    }


@cache
def modules() -> dict[str, ast.Module]:
    """Every module of the package but its migrations, parsed, by dotted name."""
    return {
        name: ast.parse(Path(path).read_text(encoding="utf-8"), filename=path)
        for name, path in modules_paths().items()
    }


def is_services_module(name: str) -> bool:
    parts = name.split(".")
    return len(parts) >= 3 and parts[2] == "services"


def is_entry_module(name: str) -> bool:
    """A page, API, command, task or receiver module."""
    parts = name.split(".")
    last = parts[-1]
    return (
        name in {"cheguan.api", "cheguan.cli"}
        or parts[:2] == ["cheguan", "web"]
        or "views" in parts
        or "api" in parts[2:]
        or last.endswith(("_views", "_api"))
        or ("commands" in parts and "management" in parts)
        or last in {"tasks", "receivers", "signals"}
    )


def app_of(name: str) -> str:
    return name.split(".")[1] if name.count(".") else ""


def takes_keyword_actor(node: ast.FunctionDef) -> bool:
    return any(arg.arg == "actor" for arg in node.args.kwonlyargs)


@cache
def services() -> tuple[Service, ...]:
    found = []
    for name, tree in modules().items():
        if not is_services_module(name):
            continue
        for node in tree.body:
            if (
                isinstance(node, ast.FunctionDef)
                and not node.name.startswith("_")
                and takes_keyword_actor(node)
            ):
                found.append(Service(name, node.name, node))
    return tuple(found)


@cache
def _imports(module: str) -> dict[str, str]:
    """What each name the module imports stands for: a module (``services`` →
    ``cheguan.cases.services``) or where a function comes from (``open_case`` →
    ``cheguan.cases.services``)."""
    tree = modules()[module]
    bound = {}
    package = module if modules_paths().get(module, "").endswith("__init__.py") else None
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    bound[alias.asname] = alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = (package or module).split(".")
                parent = parent[: len(parent) - node.level + (1 if package else 0)]
                base = ".".join([*parent, *([base] if base else [])])
            for alias in node.names:
                full = f"{base}.{alias.name}"
                bound[alias.asname or alias.name] = full if full in modules() else base
    return bound


def _references(module: str, node: ast.AST) -> set[tuple[str, str]]:
    """What a piece of code refers to, as (name, where): plain names, attribute names
    (``x.name``) and imported names, each with the module (or package) it comes from when
    the code says so (``services.open_case``), else ``""`` (any module)."""
    bound = _imports(module)
    found = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name):
            where = bound.get(sub.id, "")
            found.add((sub.id, "" if where.endswith(f".{sub.id}") else where))
        elif isinstance(sub, ast.Attribute):
            value = sub.value.id if isinstance(sub.value, ast.Name) else None
            where = bound.get(value, "") if value else ""
            found.add((sub.attr, where if where in modules() else ""))
        elif isinstance(sub, ast.ImportFrom):
            found.update((alias.name, "") for alias in sub.names)
    return found


def _functions(tree: ast.Module):
    """Module-level functions and methods of module-level classes."""
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node
        elif isinstance(node, ast.ClassDef):
            yield from (
                n for n in node.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
            )


@cache
def reached() -> frozenset[tuple[str, str]]:
    """(module, function) of every function an entry point reaches: a name-based call graph
    over the package (a name is narrowed to the module it is imported from when the code
    says so). The demo app's seeding reaches only the demo's own code (seeding a demo is
    not people using the product)."""
    defined: dict[str, list[tuple[str, ast.AST]]] = defaultdict(list)
    for module, tree in modules().items():
        for fn in _functions(tree):
            defined[fn.name].append((module, fn))

    seen: set[tuple[str, str]] = set()
    todo: list[tuple[str, set[tuple[str, str]]]] = [
        (module, _references(module, tree))
        for module, tree in modules().items()
        if is_entry_module(module)
    ]
    while todo:
        origin, references = todo.pop()
        for name, where in references:
            for module, fn in defined.get(name, ()):
                if where and module != where and not module.startswith(f"{where}."):
                    continue
                if app_of(origin) == "demo" and app_of(module) != "demo":
                    continue
                key = (module, name)
                if key not in seen:
                    seen.add(key)
                    todo.append((module, _references(module, fn)))
    return frozenset(seen)


def unreached() -> list[Service]:
    hit = reached()
    return [s for s in services() if (s.module, s.name) not in hit]
