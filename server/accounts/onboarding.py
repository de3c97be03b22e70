"""Onboarding a collector's phone: the ODK Collect settings QR code.

Collect reads a QR code holding base64(zlib(JSON)) of its settings
(docs.getodk.org/collect-import-export): ``general`` (server, form management, interface),
``admin`` (what the worker may change) and ``project`` (name, icon, colour). Gridbook's code
carries the collector's token server URL (``<server>/key/<token>``), so the phone needs no
password; any setting the code leaves out is reset to Collect's default when it is scanned.
"""

from __future__ import annotations

import base64
import io
import json
import zlib
from dataclasses import dataclass
from typing import Any

import segno
from django.conf import settings

from server.accounts.collector_tokens import active_token, collector_token_issue
from server.accounts.models import User
from server.accounts.selectors import collector_grids

PROJECT_COLOR = "#1f6f5c"
COLLECT_LANGUAGES = {"zh-hans": "zh", "en": "en"}


@dataclass(frozen=True)
class Onboarding:
    """What a collector's phone is given: the server URL and the QR payload that holds it."""

    user: User
    server_url: str
    settings: dict[str, Any]

    @property
    def payload(self) -> str:
        """The text inside the QR code."""
        return encode_settings(self.settings)

    def png(self, *, scale: int = 6) -> bytes:
        return _qr_bytes(self.payload, kind="png", scale=scale)

    def svg(self, *, scale: int = 6) -> bytes:
        return _qr_bytes(self.payload, kind="svg", scale=scale)


def token_server_url(base_url: str, token: str) -> str:
    """The server URL a phone is configured with: ``https://host/key/<token>``."""
    return f"{base_url.rstrip('/')}/key/{token}"


def collector_onboarding(
    *, user: User, base_url: str, issued_by: User | None = None, reissue: bool = False
) -> Onboarding:
    """The collector's onboarding (issuing a token first if they have none, or if
    ``reissue``: the old token then stops working at once)."""
    token = None if reissue else active_token(user)
    if token is None:
        token = collector_token_issue(user=user, issued_by=issued_by)
    server_url = token_server_url(base_url, token)
    return Onboarding(user=user, server_url=server_url, settings=collect_settings(user, server_url))


def project_name(user: User) -> str:
    """The project's name on the phone: the deployment's name and the collector's grids."""
    grids = "、".join(grid.name for grid in collector_grids(user)) or user.display_name
    return f"{settings.GRIDBOOK_SITE_NAME} · {grids}"


def collect_settings(user: User, server_url: str) -> dict[str, Any]:
    name = project_name(user)
    return {
        "general": {
            "protocol": "odk_default",
            "server_url": server_url,
            "username": "",
            "password": "",
            # The token URL carries no user name: fill the form's `username` metadata.
            "metadata_username": user.username,
            "app_language": COLLECT_LANGUAGES.get(user.language, "zh"),
            # Mirror the server: new versions and register lists arrive by themselves.
            "form_update_mode": "match_exactly",
            "periodic_form_updates_check": "every_one_hour",
            "automatic_update": True,
            "autosend": "wifi_and_cellular",
            "delete_send": False,
            "constraint_behavior": "on_swipe",
            "analytics": False,
        },
        "admin": {
            # The worker cannot point the phone elsewhere by mistake.
            "change_server": False,
            "change_app_language": True,
        },
        "project": {"name": name, "icon": _icon(user, name), "color": PROJECT_COLOR},
    }


def _icon(user: User, name: str) -> str:
    grid = collector_grids(user).first()
    return (grid.name if grid else name)[:1] or "网"


def encode_settings(collect: dict[str, Any]) -> str:
    text = json.dumps(collect, ensure_ascii=True, separators=(",", ":"), sort_keys=True)
    return base64.b64encode(zlib.compress(text.encode("utf-8"), 9)).decode("ascii")


def decode_settings(payload: str) -> dict[str, Any]:
    """What Collect reads from a QR payload (the inverse of ``encode_settings``)."""
    return json.loads(zlib.decompress(base64.b64decode(payload)).decode("utf-8"))


def _qr_bytes(payload: str, *, kind: str, scale: int) -> bytes:
    code = segno.make(payload, error="m", micro=False)
    buffer = io.BytesIO()
    code.save(buffer, kind=kind, scale=scale, border=4)
    return buffer.getvalue()
