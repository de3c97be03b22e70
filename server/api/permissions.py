"""Who may use the forms API: designers and administrators write; managers read forms;
collectors use ODK Collect, not this API."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from server.accounts.models import Role

READERS = (Role.ADMINISTRATOR, Role.DESIGNER, Role.MANAGER)
WRITERS = (Role.ADMINISTRATOR, Role.DESIGNER)


def _role(request: Request) -> str | None:
    user = request.user
    if not user or not user.is_authenticated or not user.is_active:
        return None
    return getattr(user, "role", None)


class FormsPermission(BasePermission):
    """Read: administrators, designers, managers. Write: administrators and designers."""

    def has_permission(self, request: Request, view: Any) -> bool:
        role = _role(request)
        if request.method in SAFE_METHODS:
            return role in READERS
        return role in WRITERS


class DesignersOnly(BasePermission):
    """Register lists as a collector would receive them: for checking forms, so designers
    and administrators (the lists hold masked names of residents)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return _role(request) in WRITERS


RECORD_READERS = (Role.ADMINISTRATOR, Role.MANAGER, Role.COLLECTOR)
RECORD_MANAGERS = (Role.ADMINISTRATOR, Role.MANAGER)


class AreaTreeReaders(BasePermission):
    """The area tree: everyone signed in (designers publish forms to areas; what each person
    sees of it, and whether with figures, is the scope's business)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return _role(request) is not None


class RecordReaders(BasePermission):
    """Records, households, needs and visits: the people who see residents (administrators,
    managers, collectors), each inside their scope. Designers see no resident data. Writes
    (need transitions) are decided by the records services, which know who may do what."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return _role(request) in RECORD_READERS


class RecordManagers(BasePermission):
    """Register changes waiting for approval: administrators and managers."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return _role(request) in RECORD_MANAGERS


class AdministratorsOnly(BasePermission):
    """The audit log: district administrators only."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return _role(request) == Role.ADMINISTRATOR
