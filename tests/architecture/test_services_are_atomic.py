"""Every use-case service is one transaction: it is ``@transaction.atomic`` itself, opens a
``with transaction.atomic(…)`` block (a retry loop opens one per attempt), or says in its
docstring that it runs inside the caller's transaction (a step of a larger use case).

A fourth shape: the service does its work in a ``@transaction.atomic`` function of its own
module and raises the refusal after that commits (``pick_number``: the draw's numbers go
back to the pool even though the late pick is refused). Decorating such a service would
roll back what it means to keep."""

from __future__ import annotations

import ast

from tests.architecture import use_cases

CALLERS = "inside the caller's transaction"


def _is_atomic(node: ast.expr) -> bool:
    """``transaction.atomic`` or ``transaction.atomic(...)``."""
    if isinstance(node, ast.Call):
        node = node.func
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "atomic"
        and isinstance(node.value, ast.Name)
        and node.value.id == "transaction"
    )


def _atomic_functions(module: ast.Module | None) -> set[str]:
    if module is None:
        return set()
    return {
        node.name
        for node in module.body
        if isinstance(node, ast.FunctionDef) and any(_is_atomic(d) for d in node.decorator_list)
    }


def is_one_transaction(fn: ast.FunctionDef, module: ast.Module | None = None) -> bool:
    if any(_is_atomic(d) for d in fn.decorator_list):
        return True
    atomic_here = _atomic_functions(module)
    if any(
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in atomic_here
        for node in ast.walk(fn)
    ):
        return True
    if any(
        isinstance(node, ast.With) and any(_is_atomic(item.context_expr) for item in node.items)
        for node in ast.walk(fn)
    ):
        return True
    return CALLERS in " ".join((ast.get_docstring(fn) or "").split())


def test_the_check_tells_the_three_ways_from_none():
    def fn(source: str) -> ast.FunctionDef:
        node = ast.parse(source).body[0]
        assert isinstance(node, ast.FunctionDef)
        return node

    assert is_one_transaction(fn("@transaction.atomic\ndef f(*, actor): pass"))
    assert is_one_transaction(fn("@transaction.atomic(savepoint=False)\ndef f(*, actor): pass"))
    assert is_one_transaction(fn("def f(*, actor):\n    with transaction.atomic():\n        pass"))
    assert is_one_transaction(
        fn('def f(*, actor):\n    """Runs inside the caller\'s\n    transaction."""')
    )
    assert not is_one_transaction(fn("@cache\ndef f(*, actor):\n    x.save()"))
    assert not is_one_transaction(fn('def f(*, actor):\n    """Saves it."""\n    x.save()'))
    module = ast.parse("@transaction.atomic\ndef _g(): pass\ndef f(*, actor):\n    _g()")
    assert is_one_transaction(module.body[1], module)  # type: ignore[arg-type]
    assert not is_one_transaction(fn("def f(*, actor):\n    _g()"), ast.parse("def _g(): pass"))


def test_every_use_case_service_is_atomic_or_says_it_runs_in_its_callers_transaction():
    assert len(use_cases.services()) > 50  # the reader finds them
    loose = [
        f"  {s.name}  ({s.module}, line {s.node.lineno})"
        for s in use_cases.services()
        if not is_one_transaction(s.node, use_cases.modules()[s.module])
    ]
    assert loose == [], (
        "not @transaction.atomic, no `with transaction.atomic`, and no docstring saying it "
        f"runs {CALLERS}:\n" + "\n".join(loose)
    )
