"""Every use-case service is reached by a page, the API, a command, a task or a receiver:
a service nobody can call is dead code, or a feature whose door was never built."""

from __future__ import annotations

from tests.architecture import use_cases


def test_the_reader_finds_the_services_and_the_entry_points():
    found = {str(s) for s in use_cases.services()}
    assert "cheguan.cases.services.lifecycle.open_case" in found
    assert "cheguan.plates.services.draw.draw_numbers" in found
    assert not any(".demo." in s or "._" in s for s in found if "cheguan.demo" not in s)
    assert use_cases.is_entry_module("cheguan.plates.api.selection")
    assert use_cases.is_entry_module("cheguan.cases.views.clerk")
    assert use_cases.is_entry_module("cheguan.registry.management.commands.import")
    assert not use_cases.is_entry_module("cheguan.cases.services.lifecycle")
    assert not use_cases.is_entry_module("cheguan.demo.services")
    reached = use_cases.reached()
    assert ("cheguan.cases.services.lifecycle", "open_case") in reached  # via the API
    assert ("cheguan.demo.services", "seed_demo") in reached  # by its own command


def test_every_use_case_service_is_reached_by_a_page_api_command_task_or_receiver():
    unreached = use_cases.unreached()
    report = "\n".join(f"  {s.name}  ({s.module})" for s in unreached)
    print(f"use-case services no entry point reaches:\n{report}")
    assert unreached == [], f"no page, API, command, task or receiver reaches:\n{report}"
