"""An app writes only its own rows: outside ``cheguan.registry`` nothing writes a vehicle's
plate number or inspection validity; plates and inspection call
``registry.services.vehicle_fields`` instead. This scans the source (src/) for the ways a
field gets written:

- an attribute assigned: ``x.plate_number = …`` (whatever ``x`` is: a static scan does
  not know types, so another model's field of the same name must be named in ALLOWED);
- keywords to ``update(…)`` / ``update_or_create(…)`` on any queryset, and to
  ``Vehicle(…)``, ``Vehicle.objects….create(…)`` / ``get_or_create(…)`` / ``bulk_create``;
- the field's name in ``save(update_fields=…)``, ``bulk_update(…, fields)`` or
  ``setattr(x, "plate_number", …)``.

A write through a dict unpacked into a call (``**values``) or a name built at run time is
not seen; those stay for review.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
FIELDS = frozenset({"plate_number", "inspection_valid_until"})

# Where a write is allowed, and why (paths under src/, a trailing "/" for a folder).
ALLOWED = {
    "cheguan/registry/": "the registry owns the Vehicle row: its services (vehicle_fields, "
    "register_vehicle) and the importer, which records the register as it already is",
    "cheguan/demo/vehicles.py": "VehicleRow, the demo's plain data rows, built before the "
    "vehicles are created; no Vehicle is written there",
    "cheguan/demo/services.py": "lay_story_again lays the story's cars relative to today, "
    "their validity back as well as forward: the top layer laying data, not a use case",
}

QUERYSET_WRITES = frozenset({"update", "update_or_create"})
VEHICLE_WRITES = frozenset({"create", "get_or_create", "update_or_create", "bulk_create"})


def _root_name(node: ast.AST) -> str | None:
    """``Vehicle`` for ``Vehicle.objects.filter(…).create``; the chain's first name."""
    while True:
        if isinstance(node, ast.Attribute):
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Name):
            return node.id
        else:
            return None


def _names_in(node: ast.AST | None) -> set[str]:
    if node is None:
        return set()
    return {n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and n.value in FIELDS}


def _targets(node: ast.AST):
    if isinstance(node, ast.Tuple | ast.List):
        for element in node.elts:
            yield from _targets(element)
    elif isinstance(node, ast.Starred):
        yield from _targets(node.value)
    else:
        yield node


def _keywords(call: ast.Call) -> set[str]:
    found = {k.arg for k in call.keywords if k.arg in FIELDS}
    for k in call.keywords:
        if k.arg == "defaults" and isinstance(k.value, ast.Dict):
            found |= {key.value for key in k.value.keys if isinstance(key, ast.Constant)} & FIELDS
    return found  # type: ignore[return-value]


def writes_in(source: str) -> list[tuple[int, str]]:
    """(line, what) for every write of the two fields this scan recognises."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for t in _targets(target):
                    if isinstance(t, ast.Attribute) and t.attr in FIELDS:
                        found.append((node.lineno, f".{t.attr} ="))
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        method = func.attr if isinstance(func, ast.Attribute) else None
        on_vehicle = _root_name(func) == "Vehicle"
        if method in QUERYSET_WRITES or (
            on_vehicle and (method in VEHICLE_WRITES or isinstance(func, ast.Name))
        ):
            found += [(node.lineno, f"{method or 'Vehicle'}({f}=…)") for f in _keywords(node)]
        if method == "save":
            for k in node.keywords:
                if k.arg == "update_fields":
                    found += [(node.lineno, f"save(update_fields=[{f!r}])") for f in _names_in(k)]
        if method == "bulk_update":
            fields = node.args[1] if len(node.args) > 1 else None
            fields = fields or next((k.value for k in node.keywords if k.arg == "fields"), None)
            found += [(node.lineno, f"bulk_update([{f!r}])") for f in _names_in(fields)]
        if isinstance(func, ast.Name) and func.id == "setattr" and len(node.args) > 1:
            found += [(node.lineno, f"setattr({f!r})") for f in _names_in(node.args[1])]
    return sorted(found)


def _allowed(relative: str) -> bool:
    if "/migrations/" in relative:
        return True  # the schema's history, not a writer
    return any(relative.startswith(p) if p.endswith("/") else relative == p for p in ALLOWED)


def test_only_the_registry_writes_a_vehicles_plate_number_and_inspection_validity():
    writers = []
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC).as_posix()
        if _allowed(relative):
            continue
        writers += [
            f"{relative}:{line}: {what}" for line, what in writes_in(path.read_text("utf-8"))
        ]
    assert writers == [], (
        "write these through cheguan.registry.services.vehicle_fields:\n" + "\n".join(writers)
    )


def test_every_allowed_place_exists_and_still_writes():
    """An entry that no longer writes is dropped, so the list says where writes are."""
    for entry in ALLOWED:
        place = SRC / entry
        assert place.exists(), entry
        files = sorted(place.rglob("*.py")) if entry.endswith("/") else [place]
        assert any(writes_in(f.read_text("utf-8")) for f in files), entry


@pytest.mark.parametrize(
    "source",
    [
        "vehicle.plate_number = '浙B12345'",
        "car.inspection_valid_until = day",
        "a.plate_number, b.plate_number = b.plate_number, a.plate_number",
        "v.inspection_valid_until: dt.date = day",
        "Vehicle.objects.filter(pk=1).update(plate_number=None)",
        "qs.update(inspection_valid_until=day)",
        "Vehicle.objects.create(vin=v, plate_number=p)",
        "Vehicle(vin=v, inspection_valid_until=day)",
        "Vehicle.objects.update_or_create(vin=v, defaults={'plate_number': p})",
        "vehicle.save(update_fields=['plate_number'])",
        "Vehicle.objects.bulk_update(rows, ['make', 'inspection_valid_until'])",
        "Vehicle.objects.bulk_update(rows, fields=['plate_number'])",
        "setattr(vehicle, 'plate_number', p)",
    ],
)
def test_the_scan_sees_each_way_of_writing(source):
    assert writes_in(source) != []


@pytest.mark.parametrize(
    "source",
    [
        "InspectionMark.objects.create(plate_number=vehicle.plate_number)",
        "number = vehicle.plate_number",
        "Vehicle.objects.filter(plate_number=p).exists()",
        "vehicle.save(update_fields=['status'])",
    ],
)
def test_the_scan_leaves_reads_and_other_models_creations_alone(source):
    assert writes_in(source) == []
