"""ODK Collect signs in with Digest (MD5, qop=auth) over http and https, with Basic only over
https, or through a token URL; a lost nonce costs one extra round trip; failures are
throttled; only active collectors get in. Checked on HEAD /submission, the first request of
every upload."""

from __future__ import annotations

import base64

import pytest
from django.test import Client

from server.accounts import digest
from server.accounts.collector_tokens import collector_token_issue, collector_token_revoke
from server.accounts.services import user_set_password
from server.accounts.throttle import MAX_FAILURES_PER_USERNAME
from tests.conftest import PASSWORD, World
from tests.openrosa.collect import CollectClient, challenge_params


@pytest.fixture
def collect(client: Client, world: World) -> CollectClient:
    return CollectClient(client, username="bob", password=PASSWORD)


def test_without_credentials_collect_gets_a_digest_challenge(client: Client, world: World) -> None:
    response = CollectClient(client).head("submission")
    assert response.status_code == 401
    challenge = challenge_params(response.headers["WWW-Authenticate"])
    assert challenge["realm"] == "gridbook"
    assert challenge["qop"] == "auth"
    assert challenge["algorithm"] == "MD5"
    assert "stale" not in challenge
    assert response.headers["X-OpenRosa-Version"] == "1.0"
    assert response.headers["Content-Type"] == "text/xml; charset=utf-8"
    # HEAD has no body; a POST without credentials shows the message Collect would show.
    posted = CollectClient(client).request("POST", "submission", data=b"", content_type="text/xml")
    assert posted.status_code == 401
    assert "ASCII" in _message(posted)


def test_digest_with_the_right_password_passes_in_one_extra_round_trip(
    collect: CollectClient,
) -> None:
    response = collect.head("submission")
    assert response.status_code == 204
    assert collect.round_trips == [2]  # the challenge, then the answer
    assert int(response.headers["X-OpenRosa-Accept-Content-Length"]) == 100_000_000
    assert response.headers["X-OpenRosa-Version"] == "1.0"


def test_after_one_challenge_collect_authenticates_preemptively(collect: CollectClient) -> None:
    collect.head("submission")
    for _ in range(3):
        assert collect.head("submission").status_code == 204
    assert collect.round_trips == [2, 1, 1, 1]


def test_a_wrong_password_gets_a_fresh_challenge_that_is_not_stale(
    client: Client, world: World
) -> None:
    collect = CollectClient(client, username="bob", password="Wrong-Horse-7")
    response = _post(collect)
    assert response.status_code == 401
    assert "stale" not in challenge_params(response.headers["WWW-Authenticate"])
    assert "用户名或密码" in _message(response)  # bob's language is Chinese
    assert "ASCII" in _message(response)


def test_an_unknown_user_is_refused_like_a_wrong_password(client: Client, world: World) -> None:
    response = CollectClient(client, username="mallory", password=PASSWORD).head("submission")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Digest ")


def test_a_lost_nonce_costs_one_round_trip_with_stale_true(collect: CollectClient) -> None:
    collect.head("submission")
    collect.challenge = dict(collect.challenge or {}, nonce="0000000001" + "0" * 32)  # unknown
    response = collect.client.head(
        collect.url("submission"),
        HTTP_AUTHORIZATION=collect.authorization("HEAD", collect.url("submission")),
    )
    assert response.status_code == 401
    assert challenge_params(response.headers["WWW-Authenticate"])["stale"] == "true"
    assert collect.head("submission").status_code == 204  # re-sent with the fresh nonce


def test_an_expired_nonce_is_stale(collect: CollectClient, settings) -> None:  # type: ignore[no-untyped-def]
    old = digest.make_nonce(settings.SECRET_KEY.encode(), 1_000_000_000)
    collect.challenge = {"realm": "gridbook", "nonce": old, "opaque": ""}
    response = collect.head("submission")
    assert response.status_code == 204
    assert collect.round_trips == [2]


def test_a_digest_for_another_uri_is_not_accepted(collect: CollectClient) -> None:
    collect.head("submission")
    authorization = collect.authorization("HEAD", "/formList")
    response = collect.client.head(collect.url("submission"), HTTP_AUTHORIZATION=authorization)
    assert response.status_code == 401


def test_basic_is_ignored_over_plain_http(client: Client, world: World) -> None:
    basic = "Basic " + base64.b64encode(f"bob:{PASSWORD}".encode()).decode()
    response = client.head("/submission", HTTP_AUTHORIZATION=basic)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Digest ")


def test_basic_is_accepted_over_https(client: Client, world: World) -> None:
    basic = "Basic " + base64.b64encode(f"bob:{PASSWORD}".encode()).decode()
    assert client.head("/submission", HTTP_AUTHORIZATION=basic, secure=True).status_code == 204
    wrong = "Basic " + base64.b64encode(b"bob:nope").decode()
    assert client.head("/submission", HTTP_AUTHORIZATION=wrong, secure=True).status_code == 401


def test_digest_works_over_https_too(client: Client, world: World) -> None:
    collect = CollectClient(client, username="bob", password=PASSWORD, secure=True)
    assert collect.head("submission").status_code == 204


def test_a_changed_password_stops_the_old_one_at_once(collect: CollectClient, world: World) -> None:
    assert collect.head("submission").status_code == 204
    user_set_password(user=world.bob, password="New-Horse-8-battery")
    assert collect.head("submission").status_code == 401


def test_a_token_url_needs_no_password(client: Client, world: World) -> None:
    token = collector_token_issue(user=world.bob)
    collect = CollectClient(client, prefix=f"/key/{token}")
    response = collect.head("submission")
    assert response.status_code == 204
    assert collect.round_trips == [1]


@pytest.mark.parametrize("mangle", ["unknown", "tampered", "revoked", "reissued"])
def test_a_bad_token_is_403_and_never_a_challenge(
    client: Client, world: World, mangle: str
) -> None:
    token = collector_token_issue(user=world.bob)
    if mangle == "unknown":
        token = "A" * len(token)
    elif mangle == "tampered":
        token = token[:-1] + ("0" if token[-1] != "0" else "1")
    elif mangle == "revoked":
        collector_token_revoke(user=world.bob)
    else:
        collector_token_issue(user=world.bob)
    collect = CollectClient(client, prefix=f"/key/{token}")
    assert collect.head("submission").status_code == 403
    response = _post(collect)
    assert response.status_code == 403
    assert "WWW-Authenticate" not in response.headers
    assert "二维码" in _message(response)


def test_a_manager_cannot_use_openrosa(client: Client, world: World) -> None:
    # alice has no Digest secret (only collectors have one): she cannot sign in at all.
    response = _post(CollectClient(client, username="alice", password=PASSWORD))
    assert response.status_code == 401
    # Over https with Basic her password is checked the same way, and refused.
    basic = "Basic " + base64.b64encode(f"alice:{PASSWORD}".encode()).decode()
    assert client.head("/submission", HTTP_AUTHORIZATION=basic, secure=True).status_code == 401


def test_a_collector_turned_manager_is_refused_with_403(
    collect: CollectClient, world: World
) -> None:
    assert collect.head("submission").status_code == 204
    world.bob.role = "manager"
    world.bob.save()
    response = _post(collect)
    assert response.status_code == 403
    assert "WWW-Authenticate" not in response.headers


def test_a_disabled_collector_is_refused(collect: CollectClient, world: World) -> None:
    world.bob.is_active = False
    world.bob.save()
    response = collect.head("submission")
    assert response.status_code == 403
    assert "WWW-Authenticate" not in response.headers


def test_repeated_failures_block_the_user_name_even_with_the_right_password(
    client: Client, world: World
) -> None:
    for _ in range(MAX_FAILURES_PER_USERNAME):
        assert (
            CollectClient(client, username="bob", password="guess").head("submission").status_code
            == 401
        )
    response = CollectClient(client, username="bob", password=PASSWORD).head("submission")
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    # carol, on another user name, is not affected
    other = CollectClient(client, username="carol", password=PASSWORD, device_id="collect:c")
    assert other.head("submission").status_code == 204


def _post(collect: CollectClient):  # type: ignore[no-untyped-def]
    return collect.request("POST", "submission", data=b"", content_type="text/xml")


def _message(response) -> str:  # type: ignore[no-untyped-def]
    from lxml import etree

    root = etree.fromstring(response.content)
    return root.findtext("{http://openrosa.org/http/response}message") or ""
