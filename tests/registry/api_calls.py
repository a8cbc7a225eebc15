"""Calling the registry API in tests: log in, read ids and errors."""

from __future__ import annotations

API = "/api/registry"


def as_(client, user):
    client.force_login(user)
    return client


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


def error(response, status: int) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) >= {"code", "message", "field"}
    return body
