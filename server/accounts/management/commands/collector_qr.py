"""python manage.py collector_qr USERNAME [--out FILE.png|FILE.svg] [--server-url URL]
                                          [--reissue | --revoke]

Prints the collector's token server URL (issuing a token if they have none) and writes the
ODK Collect settings QR code to --out (PNG or SVG by the extension). --reissue gives a new
token (the old URL stops working at once); --revoke only revokes the current one.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext

from server.accounts.collector_tokens import collector_token_revoke
from server.accounts.models import Role, User
from server.accounts.onboarding import Onboarding, collector_onboarding
from server.core.errors import GridbookError


class Command(BaseCommand):
    help = "Show a collector's ODK Collect server URL and write their settings QR code."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--out", help="write the QR code here (.png or .svg)")
        parser.add_argument(
            "--server-url",
            help="the address phones reach Gridbook at (default: GRIDBOOK_PUBLIC_URL)",
        )
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--reissue", action="store_true", help="revoke and issue a new token")
        group.add_argument("--revoke", action="store_true", help="revoke the token, issue none")

    def handle(self, *args: object, **options: object) -> None:
        user = self._collector(str(options["username"]))
        if options["revoke"]:
            count = collector_token_revoke(user=user)
            self.stdout.write(gettext("Tokens revoked: %(count)d") % {"count": count})
            return
        base_url = str(options["server_url"] or settings.GRIDBOOK_PUBLIC_URL or "")
        if not base_url.startswith(("http://", "https://")):
            raise CommandError(gettext("Give --server-url http(s)://… or set GRIDBOOK_PUBLIC_URL."))
        try:
            onboarding = collector_onboarding(
                user=user, base_url=base_url, reissue=bool(options["reissue"])
            )
        except GridbookError as error:
            raise CommandError(error.message) from None
        self.stdout.write(onboarding.server_url)
        if options["out"]:
            self._write(onboarding, Path(str(options["out"])))

    def _collector(self, username: str) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(gettext("No user %(username)s.") % {"username": username})
        if user.role != Role.COLLECTOR:
            raise CommandError(gettext("%(username)s is not a collector.") % {"username": username})
        return user

    def _write(self, onboarding: Onboarding, out: Path) -> None:
        suffix = out.suffix.lower()
        if suffix not in (".png", ".svg"):
            raise CommandError(gettext("--out must end in .png or .svg"))
        content = onboarding.svg() if suffix == ".svg" else onboarding.png()
        out.write_bytes(content)
        self.stderr.write(gettext("QR code written to %(path)s") % {"path": out})
