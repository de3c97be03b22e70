"""Reading configuration from the environment, failing loudly on bad values.

Pure helpers used by ``server/settings.py``; they never import Django models. Every reader
raises ``ConfigError`` with the variable's name and the offending value, so a typo in a
deployment stops the process at start instead of surfacing as odd behaviour later.
A secret may also be given as ``NAME_FILE`` (the path of a file holding it), as Docker
and Kubernetes secrets are mounted.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


class ConfigError(Exception):
    """A configuration value is missing or malformed."""


def _raw(name: str, environ: Mapping[str, str] | None) -> str | None:
    source = os.environ if environ is None else environ
    return source.get(name)


def env_str(name: str, default: str = "", *, environ: Mapping[str, str] | None = None) -> str:
    value = _raw(name, environ)
    return default if value is None else value.strip()


def env_bool(name: str, default: bool = False, *, environ: Mapping[str, str] | None = None) -> bool:
    value = _raw(name, environ)
    if value is None:
        return default
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ConfigError(f"{name} must be true or false (1/0, yes/no, on/off), not {value!r}")


def env_int(
    name: str,
    default: int,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    value = _raw(name, environ)
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value.strip())
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {value!r}") from None
    if minimum is not None and number < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, not {number}")
    if maximum is not None and number > maximum:
        raise ConfigError(f"{name} must be at most {maximum}, not {number}")
    return number


def env_list(
    name: str, default: list[str], *, environ: Mapping[str, str] | None = None
) -> list[str]:
    value = _raw(name, environ)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_choice(
    name: str, default: str, choices: tuple[str, ...], *, environ: Mapping[str, str] | None = None
) -> str:
    value = env_str(name, default, environ=environ)
    if value not in choices:
        raise ConfigError(f"{name} must be one of {', '.join(choices)}, not {value!r}")
    return value


def env_secret(name: str, *, environ: Mapping[str, str] | None = None) -> str:
    """A secret from ``NAME`` or from the file named by ``NAME_FILE`` (not both)."""
    direct = _raw(name, environ)
    file_name = _raw(f"{name}_FILE", environ)
    if direct and file_name:
        raise ConfigError(f"set {name} or {name}_FILE, not both")
    if file_name:
        path = Path(file_name)
        try:
            secret = path.read_text(encoding="utf-8").strip()
        except OSError as error:
            raise ConfigError(f"{name}_FILE: cannot read {file_name}: {error.strerror}") from None
        if not secret:
            raise ConfigError(f"{name}_FILE: {file_name} is empty")
        return secret
    return (direct or "").strip()


def env_directory(name: str, default: Path, *, environ: Mapping[str, str] | None = None) -> Path:
    value = env_str(name, "", environ=environ)
    path = Path(value).expanduser() if value else default
    if not path.is_absolute():
        raise ConfigError(f"{name} must be an absolute path, not {value!r}")
    if path.exists() and not path.is_dir():
        raise ConfigError(f"{name} is not a directory: {path}")
    return path
