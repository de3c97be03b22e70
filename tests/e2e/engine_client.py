"""Fill served XForms with an outside client: ODK Web Forms' engine, run in Node.

Plain Python (no Django): hand it the XForm bytes Gridbook serves, the attachments
its manifest lists and the answers, get back the submission the engine produced,
ready to POST as Collect would. Many jobs in one call share one Node process,
whose start-up (about 1.5 s) is most of the cost. See tests/e2e/README.md.

    result = fill_form(form_xml, steps=[{"set": "/data/name", "value": "x"}],
                       attachments={"households.csv": csv_bytes})
    result.ok, result.xml, result.files, result.instance_id, result.validation
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ENGINE_DIR = Path(__file__).resolve().parent / "engine"
FILL_SCRIPT = ENGINE_DIR / "fill.mjs"
MIN_NODE_MAJOR = 20
INSTALL_HINT = "run `npm ci` in tests/e2e/engine (from the repository root: `npm ci --prefix tests/e2e/engine`)"
DEFAULT_TIMEZONE = "Asia/Shanghai"
DEFAULT_TIMEOUT_SECONDS = 300

Step = Mapping[str, Any]


class EngineUnavailable(RuntimeError):
    """Node or the engine's node_modules are missing: the message says what to do."""


class EngineError(RuntimeError):
    """fill.mjs failed as a whole: it crashed or its output could not be read."""


class EngineJobError(EngineError):
    """At least one job could not run as asked (unknown path or choice, missing attachment...)."""

    def __init__(self, results: list[EngineResult]) -> None:
        self.results = results
        failures = [
            f"job {index}: {result.error}" for index, result in enumerate(results) if result.error
        ]
        super().__init__("the engine could not fill every form:\n" + "\n".join(failures))


@dataclass(frozen=True)
class Violation:
    """A rule the filled form breaks, as the engine reports it."""

    path: str
    condition: str  # "required" or "constraint"
    message: str | None  # the form's jr:requiredMsg / jr:constraintMsg, if it has one


@dataclass(frozen=True)
class EngineJob:
    """One form to fill.

    ``steps`` are fill.mjs steps. A ``file`` step may carry the bytes itself:
    ``{"file": "/data/photo", "content": b"...", "name": "photo.jpg"}``.
    ``preload`` sets the engine's deviceID, username, email and phoneNumber;
    ``geolocation`` ("latitude longitude altitude accuracy") is where the device
    says it is when the form asks (start-geopoint).
    """

    form_xml: bytes
    steps: Sequence[Step] = ()
    attachments: Mapping[str, bytes] = field(default_factory=dict)
    preload: Mapping[str, str] = field(default_factory=dict)
    geolocation: str | None = None


@dataclass(frozen=True)
class EngineResult:
    """What the engine made of one job. ``ok`` is False when a rule is broken or ``error`` is set."""

    ok: bool
    xml: bytes
    files: dict[str, bytes]
    instance_id: str | None
    validation: list[Violation]
    error: str | None = None
    milliseconds: int = 0

    @property
    def invalid_paths(self) -> set[str]:
        return {violation.path for violation in self.validation}


# ---------------------------------------------------------------- availability


def engine_available() -> bool:
    """True when Node 20+ and the pinned engine packages are installed."""
    return engine_problem() is None


def engine_problem() -> str | None:
    """Why the engine cannot run here, with what to do about it; None when it can."""
    return node_problem() or _packages_problem()


def node_problem() -> str | None:
    """Why Node cannot run the engine here; None when it can."""
    install_node = (
        f"install Node.js {MIN_NODE_MAJOR}+ (or point GRIDBOOK_NODE at it), then {INSTALL_HINT}"
    )
    node = node_executable()
    if node is None:
        return f"node is not on PATH: {install_node}"
    major = _node_major_version(node)
    if major is None:
        return f"`{node} --version` did not run: {install_node}"
    if major < MIN_NODE_MAJOR:
        return f"{node} is Node.js {major}, too old for the engine: {install_node}"
    return None


def require_engine() -> None:
    problem = engine_problem()
    if problem is not None:
        raise EngineUnavailable(problem)


def node_executable() -> str | None:
    return os.environ.get("GRIDBOOK_NODE") or shutil.which("node")


@functools.lru_cache(maxsize=4)
def _node_major_version(node: str) -> int | None:
    try:
        output = subprocess.run(
            [node, "--version"], capture_output=True, text=True, timeout=30, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.match(r"v(\d+)\.", output.strip())
    return int(match.group(1)) if match else None


def _packages_problem() -> str | None:
    pinned = json.loads((ENGINE_DIR / "package.json").read_text(encoding="utf-8"))["dependencies"]
    for package, version in pinned.items():
        manifest = ENGINE_DIR / "node_modules" / package / "package.json"
        if not manifest.is_file():
            return f"{package} is not installed in {ENGINE_DIR / 'node_modules'}: {INSTALL_HINT}"
        installed = json.loads(manifest.read_text(encoding="utf-8"))["version"]
        if installed != version:
            return f"{package} {installed} is installed but {version} is pinned: {INSTALL_HINT}"
    return None


# ---------------------------------------------------------------- filling


def fill_form(
    form_xml: bytes,
    steps: Sequence[Step] = (),
    *,
    attachments: Mapping[str, bytes] | None = None,
    preload: Mapping[str, str] | None = None,
    check: bool = True,
    timezone: str | None = DEFAULT_TIMEZONE,
) -> EngineResult:
    """Fill one form; see :func:`fill_forms`."""
    job = EngineJob(form_xml, steps, attachments or {}, preload or {})
    return fill_forms([job], check=check, timezone=timezone)[0]


def fill_forms(
    jobs: Iterable[EngineJob],
    *,
    check: bool = True,
    timezone: str | None = DEFAULT_TIMEZONE,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
) -> list[EngineResult]:
    """Fill every job in one Node process; results come back in the same order.

    With ``check`` (the default) a job that could not run as asked raises
    :class:`EngineJobError`; pass ``check=False`` to read ``result.error`` instead.
    A form that breaks its own rules is not an error: see ``result.validation``.
    ``timezone`` is the TZ the engine's start/end/today are written in (None: inherit).
    """
    require_engine()
    jobs = list(jobs)
    if not jobs:
        return []
    with tempfile.TemporaryDirectory(prefix="gridbook-engine-") as scratch:
        specs = [_write_job(Path(scratch) / f"job-{index}", job) for index, job in enumerate(jobs)]
        jobs_file = Path(scratch) / "jobs.json"
        jobs_file.write_text(json.dumps({"jobs": specs}, ensure_ascii=False), encoding="utf-8")
        lines = _run_fill_script(jobs_file, len(jobs), timezone, timeout)
        results = [_read_result(line) for line in lines]
    if check and any(result.error for result in results):
        raise EngineJobError(results)
    return results


def _write_job(directory: Path, job: EngineJob) -> dict[str, Any]:
    directory.mkdir(parents=True)
    form = directory / "form.xml"
    form.write_bytes(job.form_xml)
    return {
        "form": str(form),
        "attachments": _write_attachments(directory / "attachments", job.attachments),
        "steps": [
            _file_step_on_disk(directory / "uploads" / str(index), step)
            for index, step in enumerate(job.steps)
        ],
        "preload": dict(job.preload),
        "out_dir": str(directory / "out"),
    } | ({} if job.geolocation is None else {"geolocation": job.geolocation})


def _write_attachments(directory: Path, attachments: Mapping[str, bytes]) -> dict[str, str]:
    directory.mkdir()
    paths = {}
    for name, content in attachments.items():
        path = directory / _plain_name(name)
        path.write_bytes(content)
        paths[name] = str(path)
    return paths


def _file_step_on_disk(directory: Path, step: Step) -> dict[str, Any]:
    if "content" not in step:
        return dict(step)
    if "name" not in step:
        raise ValueError(f"a file step with content needs a name: {step['file']}")
    directory.mkdir(parents=True)
    path = directory / _plain_name(step["name"])
    path.write_bytes(step["content"])
    return {key: value for key, value in step.items() if key != "content"} | {"path": str(path)}


def _plain_name(name: str) -> str:
    if not name or Path(name).name != name or name.startswith("."):
        raise ValueError(f"not a plain file name: {name!r}")
    return name


def _run_fill_script(
    jobs_file: Path, expected: int, timezone: str | None, timeout: float
) -> list[dict[str, Any]]:
    env = dict(os.environ)
    if timezone is not None:
        env["TZ"] = timezone
    command = [node_executable() or "node", str(FILL_SCRIPT), str(jobs_file)]
    completed = subprocess.run(
        command, cwd=ENGINE_DIR, env=env, capture_output=True, text=True, timeout=timeout
    )
    try:
        lines = [json.loads(line) for line in completed.stdout.splitlines() if line.strip()]
    except json.JSONDecodeError as error:
        raise EngineError(
            f"fill.mjs printed something that is not JSON ({error}):\n{completed.stdout}"
        ) from error
    if completed.returncode not in (0, 1) or len(lines) != expected:
        raise EngineError(
            f"fill.mjs exited {completed.returncode} with {len(lines)} of {expected} results:\n{completed.stderr}"
        )
    return lines


def _read_result(line: Mapping[str, Any]) -> EngineResult:
    instance = line.get("instance")
    return EngineResult(
        ok=bool(line["ok"]),
        xml=Path(instance).read_bytes() if instance else b"",
        files={Path(path).name: Path(path).read_bytes() for path in line["attachments"]},
        instance_id=line.get("instanceID"),
        validation=[
            Violation(item["path"], item["condition"], item["message"])
            for item in line["validation"]
        ],
        error=line.get("error"),
        milliseconds=int(line.get("ms", 0)),
    )
