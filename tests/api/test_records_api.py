"""The records API by role: the area tree, an area's record for a period. Outside the
reader's scope an area does not exist (404); designers read no resident data (403);
anonymous callers are asked to sign in (401)."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import World

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def codes(tree: list[dict]) -> list[str]:
    found = []
    for node in tree:
        found.append(node["code"])
        found += codes(node["children"])
    return found


def test_area_tree_by_role(world: World) -> None:
    admin = client_for(world.admin).get("/api/v1/areas/").json()
    assert codes(admin) == ["JY", "TY", "BH", "BH1", "CY", "CY1", "CY2"]
    assert admin[0]["figures"]["households"] == 6 and admin[0]["parent_code"] is None
    alice = client_for(world.alice).get("/api/v1/areas/").json()
    assert codes(alice) == ["CY", "CY1", "CY2"] and alice[0]["parent_code"] == "TY"
    assert alice[0]["figures"]["flags"] == {"dibao": 1, "disabled": 1, "migrant": 1, "retiree": 1}
    assert codes(client_for(world.erin).get("/api/v1/areas/").json()) == ["BH", "BH1"]
    assert codes(client_for(world.bob).get("/api/v1/areas/").json()) == ["CY1"]
    assert codes(client_for(world.carol).get("/api/v1/areas/").json()) == ["BH1"]
    dave = client_for(world.dave).get("/api/v1/areas/").json()
    assert len(codes(dave)) == 7 and dave[0]["figures"] is None
    assert Client().get("/api/v1/areas/").status_code == 401


@pytest.mark.parametrize(
    ("user", "code", "status"),
    [
        ("admin", "JY", 200),
        ("alice", "CY", 200),
        ("alice", "CY1", 200),
        ("alice", "BH", 404),
        ("alice", "TY", 404),
        ("erin", "BH1", 200),
        ("erin", "CY1", 404),
        ("bob", "CY1", 200),
        ("bob", "CY2", 404),
        ("carol", "CY1", 404),
        ("carol", "BH1", 200),
        ("dave", "CY1", 403),
        ("admin", "NOPE", 404),
    ],
)
def test_record_by_role(world: World, user: str, code: str, status: int) -> None:
    response = client_for(getattr(world, user)).get(f"/api/v1/areas/{code}/record/?period=2026-11")
    assert response.status_code == status, response.content
    if status == 404:
        assert response.json()["code"] == "not_found"


def test_record_answers_in_json_with_the_period(world: World) -> None:
    body = client_for(world.alice).get("/api/v1/grids/CY1/record/?period=2026-Q4").json()
    assert body["period"] == {
        "kind": "quarter",
        "label": "2026-Q4",
        "from": "2026-10-01",
        "to": "2026-12-31",
    }
    assert body["area"]["code"] == "CY1" and body["register"]["households"] == 3
    custom = client_for(world.alice).get("/api/v1/areas/CY/record/?from=2026-03-01&to=2026-03-10")
    assert custom.json()["period"]["kind"] == "range"
    assert [child["area"]["code"] for child in custom.json()["children"]] == ["CY1", "CY2"]
    assert Client().get("/api/v1/areas/CY/record/").status_code == 401


@pytest.mark.parametrize(
    "query",
    [
        "period=2026-13",
        "period=soon",
        "from=2026-03-01",
        "not_visited_days=0",
        "not_visited_days=x",
    ],
)
def test_bad_query_is_a_json_error(world: World, query: str) -> None:
    response = client_for(world.alice).get(f"/api/v1/areas/CY/record/?{query}")
    assert response.status_code == 400
    assert response.json()["code"] in ("period_invalid", "not_visited_days_invalid")
    assert response.json()["message"]


def household_codes(user, query: str = "") -> list[str]:
    response = client_for(user).get(f"/api/v1/households/?{query}")
    assert response.status_code == 200, response.content
    return [row["code"] for row in response.json()["results"]]


def test_households_by_role_and_privacy(world: World) -> None:
    assert len(household_codes(world.admin)) == 6
    assert household_codes(world.alice) == ["XF-1-101", "XF-1-102", "XF-1-201", "XF-2-101"]
    assert household_codes(world.erin) == ["BH-1-101", "BH-1-102"]
    assert household_codes(world.bob) == ["XF-1-101", "XF-1-102", "XF-1-201"]
    assert household_codes(world.carol) == ["BH-1-101", "BH-1-102"]
    assert client_for(world.dave).get("/api/v1/households/").status_code == 403
    assert Client().get("/api/v1/households/").status_code == 401
    full = client_for(world.alice).get("/api/v1/households/?search=XF-1-101").json()["results"][0]
    masked = client_for(world.bob).get("/api/v1/households/?search=XF-1-101").json()["results"][0]
    assert (full["head_name"], full["phone"]) == ("王建国", "13800000001")
    assert masked["head_name"] != "王建国" and masked["phone"] != "13800000001"
    assert masked["head_name"].startswith("王") and full["flags"] == ["retiree"]


def test_household_filters(world: World) -> None:
    assert household_codes(world.alice, "area=CY2") == ["XF-2-101"]
    assert household_codes(world.alice, "flag=dibao") == ["XF-1-102"]
    assert household_codes(world.alice, "priority=true") == ["XF-1-102"]
    assert household_codes(world.alice, "search=幸福小区2栋") == ["XF-2-101"]
    assert len(household_codes(world.alice, "not_visited_days=30")) == 4
    assert client_for(world.alice).get("/api/v1/households/?area=BH1").status_code == 404
    assert client_for(world.carol).get("/api/v1/households/?area=CY1").status_code == 404
    bad = client_for(world.alice).get("/api/v1/households/?flag=rich")
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_input"


def test_the_schema_has_the_records_endpoints_without_warnings(tmp_path) -> None:
    from django.core.management import call_command

    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    text = target.read_text()
    for path in (
        "/api/v1/areas/",
        "/api/v1/areas/{code}/record/",
        "/api/v1/areas/{code}/trends/",
        "/api/v1/households/",
        "/api/v1/households/{code}/",
        "/api/v1/needs/{need_id}/transitions/",
        "/api/v1/visits/",
        "/api/v1/register-changes/{change_id}/approve/",
    ):
        assert f"{path}:" in text


def test_the_documented_record_shape_is_the_answer(world: World) -> None:
    from server.api.record_serializers import AreaRecordOut

    body = client_for(world.admin).get("/api/v1/areas/JY/record/?period=2026").json()
    assert AreaRecordOut(body).data == body


def test_trends_by_role(world: World) -> None:
    months = client_for(world.alice).get("/api/v1/areas/CY/trends/?period=2026-11").json()
    assert len(months) == 12 and months[-1]["month"] == "2026-11"
    assert client_for(world.erin).get("/api/v1/areas/CY/trends/").status_code == 404
    assert client_for(world.dave).get("/api/v1/areas/CY/trends/").status_code == 403
    assert client_for(world.bob).get("/api/v1/areas/CY1/trends/").status_code == 200


def test_period_errors_speak_the_readers_language(world: World) -> None:
    chinese = client_for(world.alice).get("/api/v1/areas/CY/record/?period=2026-13")
    assert chinese.json()["message"].startswith("不是有效的时间段")
    english = client_for(world.alice).get(
        "/api/v1/areas/CY/record/?period=2026-13", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert english.json()["message"].startswith("This is not a period")
    assert english.json()["details"]["reason"] == "not a calendar date: '2026-13'"


def test_compare_with_the_previous_period(world: World) -> None:
    from server.api.record_serializers import AreaRecordOut
    from tests.records import activity

    activity.november(world)
    body = client_for(world.alice).get("/api/v1/areas/CY/record/?period=2026-11&compare=previous")
    body = body.json()
    assert body["previous_period"]["label"] == "2026-10"
    assert body["previous"]["visits"]["total"] == 1  # 31 October 23:30 in Shanghai
    assert body["visits"]["total"] == 5
    assert AreaRecordOut(body).data == body
    plain = client_for(world.alice).get("/api/v1/areas/CY/record/?period=2026-11").json()
    assert plain["previous"] is None and plain["previous_period"] is None
