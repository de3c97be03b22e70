"""One stack for the fault tests (``harness``): started once per session, torn down at the
end. A machine without PostgreSQL 15 or SeaweedFS skips them, except in CI (``CI`` set),
where a missing part is a failure."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tests.faults.harness import Gridbook, OwnPostgres, OwnS3, Unavailable


@dataclass
class Stack:
    postgres: OwnPostgres
    s3: OwnS3
    gridbook: Gridbook
    token: str  # bob's token URL key


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"fault tests cannot run: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def stack() -> Iterator[Stack]:
    postgres, s3 = OwnPostgres(), OwnS3()
    gridbook = Gridbook(postgres=postgres, s3=s3)
    try:
        try:
            postgres.create()
            s3.start()
        except Unavailable as reason:
            _unavailable(str(reason))
        gridbook.manage("migrate", "--noinput")
        gridbook.manage("createcachetable")
        token = gridbook.python("tests.faults.seed").strip().splitlines()[-1]
        gridbook.start_server()
        yield Stack(postgres=postgres, s3=s3, gridbook=gridbook, token=token)
    finally:
        gridbook.remove()
        s3.remove()
        postgres.remove()


from tests.openrosa.conftest import (  # noqa: E402, F401 - fixtures for the in-process fault tests
    _fresh_process_memory,
    bob_phone,
    visit_form,
)
