"""The domain apps keep the one app shape (docs/principles.md): an app's services import each
other without a cycle, and its reads (``<app>.queries``) and pure rules (``<app>.rules``)
never reach into its services. Read from the import graph (grimp, as import-linter reads
it), counting imports inside functions too."""

from __future__ import annotations

import grimp
import pytest

DOMAIN_APPS = ["cases", "inspection", "plates", "registry"]


@pytest.fixture(scope="module")
def graph():
    return grimp.build_graph("cheguan", cache_dir=None)


def _cycles(graph, modules: set[str]) -> list[list[str]]:
    """Every cycle among ``modules`` through direct imports between them (each found once,
    from its smallest module)."""
    edges = {m: graph.find_modules_directly_imported_by(m) & modules for m in modules}
    found: list[list[str]] = []

    def walk(start: str, here: str, path: list[str]) -> None:
        for nxt in sorted(edges[here]):
            if nxt == start:
                found.append([*path, start])
            elif nxt > start and nxt not in path:
                walk(start, nxt, [*path, nxt])

    for start in sorted(modules):
        walk(start, start, [start])
    return found


@pytest.mark.parametrize("app", DOMAIN_APPS)
def test_the_services_import_each_other_without_a_cycle(graph, app):
    modules = graph.find_descendants(f"cheguan.{app}.services")

    assert len(modules) >= 3  # the graph sees the service modules
    assert _cycles(graph, modules) == []


def test_the_cycle_check_finds_a_cycle():
    class Graph:
        imports = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}

        def find_modules_directly_imported_by(self, module):
            return self.imports[module]

    assert _cycles(Graph(), {"a", "b", "c", "d"}) == [["a", "b", "c", "a"]]


READERS = [
    f"cheguan.{app}.{part}"
    for app in DOMAIN_APPS
    for part in ("queries", "rules")
    if not (app == "registry" and part == "rules")  # registry's pure checks: validators
]


@pytest.mark.parametrize("reader", READERS)
def test_reads_and_rules_do_not_import_the_services(graph, reader):
    app_services = reader.rsplit(".", 1)[0] + ".services"
    readers = {reader} | graph.find_descendants(reader)
    services = {app_services} | graph.find_descendants(app_services)

    reaching = [
        (module, imported)
        for module in sorted(readers)
        for imported in sorted(graph.find_modules_directly_imported_by(module))
        if imported in services
    ]

    assert reaching == []
    assert graph.find_shortest_chains(importer=reader, imported=app_services) == set()
