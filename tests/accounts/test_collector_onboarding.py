"""Onboarding a phone: each collector has at most one token, which can be revoked and
reissued; the QR code carries Collect's settings (zlib + base64 JSON) with the token server
URL, a Chinese project name, the app in the collector's language and settings that keep the
phone in step with the server."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from lxml import etree
from PIL import Image

from server.accounts.collector_tokens import (
    active_token,
    collector_token_issue,
    collector_token_revoke,
    user_for_token,
)
from server.accounts.models import CollectorToken
from server.accounts.onboarding import collector_onboarding, decode_settings
from server.core.errors import GridbookError
from tests.conftest import World


def test_a_token_identifies_its_collector_and_is_not_stored(world: World) -> None:
    token = collector_token_issue(user=world.bob)
    assert token.isalnum() and len(token) == 56
    assert user_for_token(token) == world.bob
    row = CollectorToken.objects.get(user=world.bob)
    assert token not in (row.key, str(row))  # the database holds only the key half
    assert user_for_token(row.key + "0" * (len(token) - len(row.key))) is None


def test_reissuing_revokes_the_old_token_at_once(world: World) -> None:
    first = collector_token_issue(user=world.bob)
    second = collector_token_issue(user=world.bob)
    assert first != second
    assert user_for_token(first) is None
    assert user_for_token(second) == world.bob
    assert active_token(world.bob) == second
    assert CollectorToken.objects.filter(user=world.bob).count() == 2  # history kept


def test_revoking_leaves_the_collector_without_a_token(world: World) -> None:
    token = collector_token_issue(user=world.bob)
    assert collector_token_revoke(user=world.bob) == 1
    assert user_for_token(token) is None
    assert active_token(world.bob) is None
    assert collector_token_revoke(user=world.bob) == 0


def test_the_database_allows_one_active_token_per_collector(world: World) -> None:
    collector_token_issue(user=world.bob)
    with pytest.raises(IntegrityError), transaction.atomic():
        CollectorToken.objects.create(user=world.bob, key="x" * 16)


def test_only_collectors_get_tokens(world: World) -> None:
    with pytest.raises(GridbookError) as raised:
        collector_token_issue(user=world.alice)
    assert raised.value.code == "token_not_collector"


def test_the_qr_code_holds_collect_settings_for_the_token_url(world: World) -> None:
    onboarding = collector_onboarding(user=world.bob, base_url="https://gridbook.example.cn/")
    token = active_token(world.bob)
    assert onboarding.server_url == f"https://gridbook.example.cn/key/{token}"
    settings = decode_settings(onboarding.payload)
    general, admin, project = settings["general"], settings["admin"], settings["project"]
    assert general["server_url"] == onboarding.server_url
    assert general["username"] == "" and general["password"] == ""
    assert general["metadata_username"] == "bob"
    assert general["app_language"] == "zh"
    assert general["form_update_mode"] == "match_exactly"
    assert general["autosend"] == "wifi_and_cellular"
    assert general["delete_send"] is False
    assert general["protocol"] == "odk_default"
    assert admin["change_server"] is False
    assert project["name"] == "网格台账 · 长源第一网格"
    assert project["icon"] == "长"
    assert project["color"].startswith("#")


def test_showing_the_qr_code_again_keeps_the_token(world: World) -> None:
    first = collector_onboarding(user=world.bob, base_url="http://10.0.0.2:8000")
    again = collector_onboarding(user=world.bob, base_url="http://10.0.0.2:8000")
    assert first.server_url == again.server_url
    fresh = collector_onboarding(user=world.bob, base_url="http://10.0.0.2:8000", reissue=True)
    assert fresh.server_url != first.server_url


def test_the_qr_code_is_a_png_and_an_svg(world: World) -> None:
    onboarding = collector_onboarding(user=world.bob, base_url="https://gridbook.example.cn")
    with Image.open(io.BytesIO(onboarding.png())) as image:
        assert image.format == "PNG"
        assert image.size[0] == image.size[1] >= 150
    svg = etree.fromstring(onboarding.svg())
    assert etree.QName(svg).localname == "svg"


def test_an_english_speaking_collector_gets_collect_in_english(world: World) -> None:
    world.carol.language = "en"
    world.carol.save()
    onboarding = collector_onboarding(user=world.carol, base_url="https://g.example")
    assert decode_settings(onboarding.payload)["general"]["app_language"] == "en"


def test_collector_qr_prints_the_url_and_writes_the_code(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "bob.png"
    call_command("collector_qr", "bob", "--server-url", "https://g.example", "--out", str(out))
    printed = capsys.readouterr().out.strip()
    assert printed == f"https://g.example/key/{active_token(world.bob)}"
    assert out.read_bytes().startswith(b"\x89PNG")
    call_command(
        "collector_qr", "bob", "--server-url", "https://g.example", "--out", str(tmp_path / "b.svg")
    )
    assert capsys.readouterr().out.strip() == printed  # same token until reissued
    call_command("collector_qr", "bob", "--server-url", "https://g.example", "--reissue")
    assert capsys.readouterr().out.strip() != printed
    call_command("collector_qr", "bob", "--revoke")
    assert active_token(world.bob) is None


def test_collector_qr_needs_a_collector_and_a_server_url(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    settings.GRIDBOOK_PUBLIC_URL = ""
    with pytest.raises(CommandError):
        call_command("collector_qr", "alice", "--server-url", "https://g.example")
    with pytest.raises(CommandError):
        call_command("collector_qr", "bob")
    settings.GRIDBOOK_PUBLIC_URL = "https://public.example"
    call_command("collector_qr", "bob")
