"""Who sees residents' personal data in full: the one rule, used by every front door.

Administrators and managers see a household head's name and phone in full (they follow up
needs and call residents). Collectors see them masked (王**, 138****5678): the register list
on their phone and the web show them enough to find the door, not to copy a contact list.
Designers see no household at all (``scope_for`` gives them none); the rule masks for them too,
so a value that reaches them by mistake is still masked.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser

from server.accounts.models import Role, User
from server.core.masking import mask_name, mask_phone

PERSONAL_FIELDS = frozenset({"head_name", "phone"})


def sees_personal_data(user: User | AnonymousUser | None) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return getattr(user, "role", None) in (Role.ADMINISTRATOR, Role.MANAGER)


@dataclass(frozen=True)
class PersonalData:
    """How one person is shown personal values: in full or masked. Build it once per
    request with ``personal_data_for(user)`` and pass values through it."""

    in_full: bool

    def name(self, value: str) -> str:
        return value if self.in_full else mask_name(value)

    def phone(self, value: str) -> str:
        return value if self.in_full else mask_phone(value)

    def field(self, field_name: str, value: str) -> str:
        """A register field's value as this person may see it."""
        if self.in_full or field_name not in PERSONAL_FIELDS:
            return value
        return self.name(value) if field_name == "head_name" else self.phone(value)


def personal_data_for(user: User | AnonymousUser | None) -> PersonalData:
    return PersonalData(in_full=sees_personal_data(user))
