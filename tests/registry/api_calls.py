"""Calling the registry API in tests: read ids (log in and read errors with tests.helpers)."""

from __future__ import annotations

API = "/api/registry"


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]
