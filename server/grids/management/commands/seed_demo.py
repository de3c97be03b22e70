"""python manage.py seed_demo [--password PW]

Builds the demo street (idempotent: running it again changes nothing) and the demo users.
With --password every demo user gets PW; without it, each user created now gets a random
password, printed once.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext

from server.accounts.models import User
from server.accounts.services import generate_password, user_create, user_set_password
from server.core.errors import GridbookError
from server.grids.choices import Source
from server.grids.demo import DEMO_USERS, demo_register
from server.grids.models import Area
from server.grids.register_import import register_import


class Command(BaseCommand):
    help = "Create the demo street, its households and the demo users (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--password", help="give every demo user this password")
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing if the register already has areas"
        )

    @transaction.atomic
    def handle(self, *args: object, **options: object) -> None:
        if options["if_empty"] and Area.objects.exists():
            self.stdout.write(gettext("The register is not empty; the demo was not added."))
            return
        report = register_import(parsed=demo_register(), source=Source.DEMO)
        self.stdout.write(
            gettext("Register: %(areas)d areas, %(households)d households created.")
            % {"areas": report.created["areas"], "households": report.created["households"]}
        )
        password = options["password"]
        try:
            logins = [self._ensure_user(spec, password) for spec in DEMO_USERS]
        except GridbookError as error:
            raise CommandError(error.message) from None
        self._print_logins(logins)

    def _ensure_user(self, spec: tuple, password: object) -> tuple[str, str, str]:
        username, role, full_name, area_codes = spec
        areas = list(Area.objects.filter(code__in=area_codes))
        user = User.objects.filter(username=username).first()
        shown = ""
        if user is None:
            shown = str(password) if password else generate_password()
            user_create(username=username, role=role, full_name=full_name, areas=areas)
            user = User.objects.get(username=username)
            user_set_password(user=user, password=shown, validate=False)
        elif password:
            user_set_password(user=user, password=str(password), validate=False)
            shown = str(password)
        return username, user.get_role_display(), shown

    def _print_logins(self, logins: list[tuple[str, str, str]]) -> None:
        self.stdout.write(gettext("Demo users (user name, role, password):"))
        for username, role, shown in logins:
            secret = shown or gettext(
                "(unchanged; set one with: python manage.py seed_demo --password PW)"
            )
            self.stdout.write(f"  {username:<8} {role:<10} {secret}")
