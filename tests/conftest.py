"""Shared fixtures: sandbox servers on 127.0.0.1 and Sessions talking to them."""

from __future__ import annotations

import os
import socket

import pytest

import ac_notebook as acn
from ac_notebook.sandbox import SandboxServer


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch):
    """Keep account settings from the developer's shell out of the tests."""
    for name in ("ACTIVECAMPAIGN_URL", "ACTIVECAMPAIGN_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")


@pytest.fixture
def server():
    """A demo sandbox with no rate limit, fresh for each test."""
    with SandboxServer(dataset="demo", rate_limit=None) as running:
        yield running


@pytest.fixture
def empty_server():
    with SandboxServer(dataset="empty", rate_limit=None) as running:
        yield running


@pytest.fixture
def ac(server):
    """A Session on the demo sandbox, throttle off and short backoffs."""
    with acn.Session(server.url, server.api_key, rate_limit=None) as session:
        session.client.retry = fast_retry()
        yield session


def fast_retry(max_retries: int = 5):
    from ac_notebook._client import RetryPolicy

    return RetryPolicy(max_retries=max_retries, backoff=0.01, max_backoff=2.0)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}
