"""The production image, read without a Docker engine: stages, user, health check, secrets."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, continuation lines joined, comments dropped."""
    text = (ROOT / "Dockerfile").read_text()
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n\s*", " ", "\n".join(lines))
    return [
        (keyword.upper(), rest.strip())
        for keyword, _, rest in (line.strip().partition(" ") for line in joined.splitlines())
        if keyword
    ]


def final_stage() -> list[tuple[str, str]]:
    steps = instructions()
    last_from = max(i for i, (keyword, _args) in enumerate(steps) if keyword == "FROM")
    return steps[last_from:]


def arg_default(name: str) -> str:
    [value] = [a.split("=", 1)[1] for k, a in instructions() if k == "ARG" and a.startswith(name)]
    return value


def test_dockerfile_is_multi_stage_on_python_slim() -> None:
    froms = [args for keyword, args in instructions() if keyword == "FROM"]
    assert froms == ["${PYTHON_IMAGE} AS build", "${PYTHON_IMAGE} AS runtime"]
    assert arg_default("PYTHON_IMAGE") == "python:3.13-slim"


def test_dockerfile_runtime_takes_only_built_artefacts() -> None:
    copies = [args for keyword, args in final_stage() if keyword == "COPY"]
    assert copies == [
        "--from=build /venv /venv",
        "--from=build /app /app",
        "--from=build --chown=portal:portal /build/var/static /var/lib/portal/static",
    ]
    runs = " ".join(args for keyword, args in final_stage() if keyword == "RUN")
    assert "apt-get" not in runs  # no compilers or gettext in the runtime image


def test_dockerfile_builds_translations_and_static_files() -> None:
    build_runs = " ".join(
        args
        for keyword, args in instructions()[: len(instructions()) - len(final_stage())]
        if keyword == "RUN"
    )
    assert "manage.py compilemessages" in build_runs
    assert "manage.py collectstatic --noinput" in build_runs
    assert "pip wheel --wheel-dir /wheels -r /tmp/requirements.txt" in build_runs


def test_dockerfile_runs_as_a_non_root_user() -> None:
    users = [args for keyword, args in final_stage() if keyword == "USER"]
    assert users == ["10001:10001"]
    runs = " ".join(args for keyword, args in final_stage() if keyword == "RUN")
    assert "useradd --system --uid 10001" in runs


def test_dockerfile_health_check_calls_healthz() -> None:
    [check] = [args for keyword, args in final_stage() if keyword == "HEALTHCHECK"]
    options, _, command = check.partition(" CMD ")
    assert "--interval=15s" in options
    argv = json.loads(command)
    assert argv[:2] == ["python", "-c"]
    assert "http://127.0.0.1:8000/healthz" in argv[2]
    compile(argv[2], "HEALTHCHECK", "exec")


def test_dockerfile_starts_gunicorn_through_the_entrypoint() -> None:
    [entrypoint] = [json.loads(a) for k, a in final_stage() if k == "ENTRYPOINT"]
    [command] = [json.loads(a) for k, a in final_stage() if k == "CMD"]
    assert entrypoint == ["bin/docker-entrypoint"]
    assert os.access(ROOT / "bin" / "docker-entrypoint", os.X_OK)
    assert command[:4] == ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000"]


def test_dockerfile_gunicorn_command_loads_the_application() -> None:
    [command] = [json.loads(a) for k, a in final_stage() if k == "CMD"]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PORTAL_"))}
    env.update(DJANGO_SECRET_KEY="check-config-only", PATH=f"{Path(sys.executable).parent}:/bin")
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    result = subprocess.run(
        [*command, "--check-config"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_dockerfile_holds_no_secrets() -> None:
    secretive = re.compile(r"(SECRET|TOKEN|PASSWORD|PASSWD|API_KEY|DSN)", re.IGNORECASE)
    for keyword, args in instructions():
        if keyword in {"ENV", "ARG", "LABEL"}:
            assert not secretive.search(args), f"{keyword} {args}"
    # The one key in a RUN exists only while settings load for collectstatic.
    keys = re.findall(r"DJANGO_SECRET_KEY=(\S+)", (ROOT / "Dockerfile").read_text())
    assert set(keys) == {"build-only"}


def test_dockerignore_keeps_local_state_and_secrets_out() -> None:
    ignored = {
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert ignored >= {".git", ".env", ".env.*", ".venv", "var", "**/__pycache__"}
    assert "!.env.example" in ignored


def test_shell_scripts_parse() -> None:
    for shell, script in (("bash", "bin/prod-local"), ("sh", "bin/docker-entrypoint")):
        result = subprocess.run(
            [shell, "-n", script], cwd=ROOT, capture_output=True, text=True, check=False
        )
        assert (result.returncode, result.stderr) == (0, ""), script
