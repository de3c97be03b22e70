"""Checks on user names and passwords that ODK Collect imposes.

Collect encodes user name and password as ISO-8859-1 in Digest and Basic authentication: any
character outside Latin-1 becomes '?', so a collector could never log in. Gridbook therefore
keeps collector passwords to printable ASCII, and every user name to a-z, 0-9 and ``._-``.
"""

import re

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
PRINTABLE_ASCII = re.compile(r"^[\x20-\x7e]+$")


def is_valid_username(username: str) -> bool:
    return bool(USERNAME_PATTERN.match(username))


def is_collect_safe_password(password: str) -> bool:
    return bool(PRINTABLE_ASCII.match(password))
