"""Typing the key at a prompt: ``acn.login()`` and ``Session.prompt()``.

Each test runs Python in a new session with no controlling terminal, so
``getpass`` reads the key from a pipe, as it does when no tty is attached.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ac_notebook.sandbox import SandboxServer

ROOT = Path(__file__).resolve().parents[1]
KEY = "typed-Key-31d4c2b5a6978e0f1a2b3c4d5e6f7a8b"

LOGIN = """
import sys
import ac_notebook as acn
url = sys.argv[1] if len(sys.argv) > 1 else None
ac = acn.login(url, env_file=None, rate_limit=None)
print("customer", ac.customers.get(1).id)
print(repr(ac))
ac.close()
"""

PROMPT = """
import ac_notebook as acn
with acn.Session.prompt(rate_limit=None, env_file=None) as ac:
    print("customer", ac.customers.get(1).id)
"""


@pytest.fixture
def keyed_server():
    with SandboxServer(dataset="demo", rate_limit=None, api_key=KEY) as running:
        yield running


def run(code: str, typed: str, *args: str, env: dict[str, str] | None = None):
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("ACTIVECAMPAIGN_")
    }
    environment.update(env or {})
    environment["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        input=typed,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env=environment,
        start_new_session=True,
    )


def test_login_reads_key_from_prompt(keyed_server):
    result = run(LOGIN, KEY + "\n", keyed_server.url)
    assert result.returncode == 0, result.stderr
    assert "customer 1" in result.stdout
    assert "API key" in result.stderr
    assert KEY not in result.stdout + result.stderr


def test_login_asks_for_missing_url(keyed_server):
    result = run(LOGIN, f"{keyed_server.url}\n{KEY}\n")
    assert result.returncode == 0, result.stderr
    assert "customer 1" in result.stdout
    assert "account URL" in result.stdout
    assert KEY not in result.stdout + result.stderr


def test_session_prompt_takes_url_from_environment(keyed_server):
    env = {"ACTIVECAMPAIGN_URL": keyed_server.url}
    result = run(PROMPT, KEY + "\n", env=env)
    assert result.returncode == 0, result.stderr
    assert "customer 1" in result.stdout
    assert KEY not in result.stdout + result.stderr


def test_login_wrong_key_is_rejected_without_echo(keyed_server):
    wrong = "wrong-Typed-0a1b2c3d4e5f60718293a4b5c6d7e8f9"
    result = run(LOGIN, wrong + "\n", keyed_server.url)
    assert result.returncode == 1
    assert "AuthenticationError" in result.stderr
    assert "API key was rejected" in result.stderr
    assert wrong not in result.stdout + result.stderr
    assert KEY not in result.stdout + result.stderr


def test_login_without_input_names_alternatives(keyed_server):
    result = run(LOGIN, "", keyed_server.url)
    assert result.returncode == 1
    assert "ConfigurationError" in result.stderr
    assert "acn.login_form()" in result.stderr
    assert "ACTIVECAMPAIGN_API_KEY" in result.stderr


def test_login_empty_key_is_configuration_error(keyed_server):
    result = run(LOGIN, "\n", keyed_server.url)
    assert result.returncode == 1
    assert "ConfigurationError" in result.stderr
    assert "non-empty" in result.stderr
