from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_healthz_names_the_state_of_database_and_storage(client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["media"]["ok"] is True and body["exports"]["ok"] is True
    assert body["media"]["backend"] in {"local", "s3"}


def test_healthz_is_not_cached(client) -> None:
    assert "no-cache" in client.get("/healthz")["Cache-Control"]
