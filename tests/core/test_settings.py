"""Settings come from the environment only and a bad value stops the process loudly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from server.core.env import ConfigError, env_bool, env_choice, env_int, env_list, env_secret

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "k" * 50


def start_django(**env: str) -> subprocess.CompletedProcess[str]:
    """Import the settings in a fresh process, as gunicorn would."""
    clean = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "SECRET_KEY",
            "DEBUG",
            "DATABASE_URL",
            "S3_MEDIA_BUCKET",
            "S3_ENDPOINT_URL",
            "GRIDBOOK_DATA_DIR",
        }
    }
    code = (
        "import django, json; from django.conf import settings; django.setup(); "
        "print(json.dumps({'db': settings.DATABASES['default']['ENGINE'], "
        "'lang': settings.LANGUAGE_CODE, 'tz': settings.TIME_ZONE, "
        "'media': settings.STORAGES['default']['BACKEND']}))"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**clean, "DJANGO_SETTINGS_MODULE": "server.settings", **env},
    )


def test_the_defaults_are_chinese_shanghai_sqlite_and_local_files() -> None:
    result = start_django(SECRET_KEY=GOOD_KEY)
    assert result.returncode == 0, result.stderr
    assert '"db": "django.db.backends.sqlite3"' in result.stdout
    assert '"lang": "zh-hans"' in result.stdout
    assert '"tz": "Asia/Shanghai"' in result.stdout
    assert "FileSystemStorage" in result.stdout


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "SECRET_KEY is required"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY must be at least 32 characters"),
        ({"SECRET_KEY": GOOD_KEY, "DEBUG": "maybe"}, "DEBUG must be true or false"),
        ({"SECRET_KEY": GOOD_KEY, "PORT": "eighty"}, "PORT must be a whole number"),
        ({"SECRET_KEY": GOOD_KEY, "TIME_ZONE": "Mars/Olympus"}, "TIME_ZONE is not a known"),
        ({"SECRET_KEY": GOOD_KEY, "DATABASE_URL": "mysql://x@y/z"}, "DATABASE_URL must be"),
        ({"SECRET_KEY": GOOD_KEY, "GRIDBOOK_LANGUAGE": "fr"}, "GRIDBOOK_LANGUAGE must be one of"),
        (
            {"SECRET_KEY": GOOD_KEY, "S3_ENDPOINT_URL": "http://127.0.0.1:1"},
            "S3_MEDIA_BUCKET is not",
        ),
        ({"SECRET_KEY": GOOD_KEY, "S3_ADDRESSING_STYLE": "sideways"}, "S3_ADDRESSING_STYLE"),
        ({"SECRET_KEY_FILE": "/nonexistent/key"}, "SECRET_KEY_FILE: cannot read"),
        ({"SECRET_KEY": GOOD_KEY, "GRIDBOOK_DATA_DIR": "relative/dir"}, "must be an absolute path"),
    ],
)
def test_a_bad_value_stops_the_process_naming_the_variable(env: dict, message: str) -> None:
    result = start_django(**env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_debug_runs_without_a_secret_key() -> None:
    assert start_django(DEBUG="true").returncode == 0


def test_s3_settings_switch_media_and_exports_to_s3() -> None:
    result = start_django(
        SECRET_KEY=GOOD_KEY, S3_MEDIA_BUCKET="media", S3_ENDPOINT_URL="http://127.0.0.1:9"
    )
    assert result.returncode == 0, result.stderr
    assert "storages.backends.s3.S3Storage" in result.stdout


def test_postgres_urls_are_accepted() -> None:
    result = start_django(SECRET_KEY=GOOD_KEY, DATABASE_URL="postgres://u@127.0.0.1:5432/db")
    assert result.returncode == 0, result.stderr
    assert "postgresql" in result.stdout


def test_env_readers() -> None:
    assert env_bool("X", environ={"X": "yes"}) is True
    assert env_bool("X", True, environ={}) is True
    assert env_int("X", 1, environ={"X": " 42 "}) == 42
    assert env_list("X", [], environ={"X": "a.cn, b.cn,,"}) == ["a.cn", "b.cn"]
    assert env_choice("X", "a", ("a", "b"), environ={}) == "a"
    with pytest.raises(ConfigError, match="at most 10"):
        env_int("X", 1, maximum=10, environ={"X": "11"})
    with pytest.raises(ConfigError, match="not both"):
        env_secret("S", environ={"S": "a", "S_FILE": "/x"})


def test_secrets_can_come_from_files(tmp_path: Path) -> None:
    secret = tmp_path / "key"
    secret.write_text(GOOD_KEY + "\n")
    assert env_secret("S", environ={"S_FILE": str(secret)}) == GOOD_KEY
    result = start_django(SECRET_KEY_FILE=str(secret))
    assert result.returncode == 0, result.stderr
