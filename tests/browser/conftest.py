"""Fixtures for browser tests: a sandbox, JupyterLab and Debian's Chromium.

Everything listens on or talks to 127.0.0.1 only. JupyterLab runs from this
Python with its own config, data, runtime and settings directories in a
temporary folder, with news, update checks and the PyPI extension manager
turned off. Chromium is Debian's ``/usr/bin/chromium`` because Playwright
cannot download its own browsers on these machines.

Without Chromium or Playwright the tests are skipped, unless ``CI`` is true,
in which case they fail.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from conftest import free_port, in_ci

from ac_notebook.sandbox import SandboxServer

CHROMIUM = Path("/usr/bin/chromium")

#: Flags that keep headless Chromium quiet on a machine without outside
#: network access. Playwright adds ``--headless`` and a fresh temporary
#: ``--user-data-dir`` itself, and rejects a ``--user-data-dir`` in ``args``.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)

#: Name of the kernelspec that runs this test run's Python.
KERNEL_NAME = "ac-notebook-test"

#: Seconds to wait for JupyterLab to respond after it starts.
LAB_START_TIMEOUT = 120.0

#: Milliseconds Playwright waits for a page action or an expected state.
PAGE_TIMEOUT_MS = 60_000

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS_DIR = REPO_ROOT / "test-artifacts"

_LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost"})


@dataclass
class JupyterLab:
    """A running JupyterLab server.

    Attributes:
        url: Root URL, such as ``http://127.0.0.1:8890``.
        token: The server's access token.
        notebook_dir: The server's root directory; tests write notebooks here.
        log_path: File that receives the server's output.
    """

    url: str
    token: str
    notebook_dir: Path
    log_path: Path

    def page_url(self, notebook: str) -> str:
        """Return the URL that opens only ``notebook`` in JupyterLab, with the token.

        ``reset`` empties the saved workspace, which would otherwise reopen
        the notebooks of earlier tests and could leave one of them current.
        """
        return f"{self.url}/lab/tree/{notebook}?reset&token={self.token}"

    def log_tail(self, chars: int = 4000) -> str:
        text = self.log_path.read_text(errors="replace")
        return text[-chars:]


@dataclass
class BlockedRequests:
    """URLs of browser requests to hosts other than 127.0.0.1, which were aborted."""

    urls: list[str] = field(default_factory=list)


def require_browser() -> None:
    """Skip the test when Chromium or Playwright is missing; fail it under CI."""
    reason = None
    if not CHROMIUM.exists():
        reason = (
            f"{CHROMIUM} is missing; install Debian's chromium to run browser "
            "tests: apt-get install chromium"
        )
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            reason = "playwright is not installed; run: pip install -e '.[test]'"
    if reason is None:
        return
    if in_ci():
        pytest.fail(f"CI is set, so browser tests must run: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    """The repository's ``test-artifacts/`` folder (git ignores it)."""
    ARTIFACTS_DIR.mkdir(exist_ok=True)
    return ARTIFACTS_DIR


@pytest.fixture(scope="session")
def lab_sandbox() -> Iterator[SandboxServer]:
    """A demo sandbox whose URL and key the JupyterLab kernels get from the
    environment (``ACTIVECAMPAIGN_URL``, ``ACTIVECAMPAIGN_API_KEY``)."""
    require_browser()
    with SandboxServer(dataset="demo", rate_limit=None) as running:
        yield running


@pytest.fixture(scope="session")
def jupyter_lab(
    tmp_path_factory: pytest.TempPathFactory, lab_sandbox: SandboxServer
) -> Iterator[JupyterLab]:
    """Start JupyterLab on 127.0.0.1 with a random token, and stop it after the run."""
    require_browser()
    base = tmp_path_factory.mktemp("jupyterlab")
    lab = JupyterLab(
        url=f"http://127.0.0.1:{free_port()}",
        token=secrets.token_hex(24),
        notebook_dir=base / "notebooks",
        log_path=base / "jupyterlab.log",
    )
    lab.notebook_dir.mkdir()
    env = _lab_environment(base, lab_sandbox)
    _write_kernelspec(Path(env["JUPYTER_DATA_DIR"]))
    _write_lab_settings(base / "user-settings")

    with lab.log_path.open("wb") as log:
        process = subprocess.Popen(
            _lab_command(lab, base),
            cwd=lab.notebook_dir,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_ready(lab, process)
        yield lab
    finally:
        _stop_lab(lab, process)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless, driven through Playwright's sync API."""
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=list(CHROMIUM_FLAGS),
            timeout=PAGE_TIMEOUT_MS,
        )
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def blocked_requests() -> BlockedRequests:
    return BlockedRequests()


@pytest.fixture
def page(browser: Any, blocked_requests: BlockedRequests) -> Iterator[Any]:
    """A fresh page whose requests to hosts other than 127.0.0.1 are aborted.

    The aborted URLs are kept in ``blocked_requests`` for the test to check.
    """
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    context.set_default_timeout(PAGE_TIMEOUT_MS)

    def guard(route: Any) -> None:
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in ("http", "https", "ws", "wss") and (
            parts.hostname not in _LOOPBACK_HOSTS
        ):
            blocked_requests.urls.append(url)
            route.abort()
            return
        route.continue_()

    context.route("**/*", guard)
    try:
        yield context.new_page()
    finally:
        context.close()


# -- JupyterLab steps ----------------------------------------------------------


def _lab_environment(base: Path, sandbox: SandboxServer) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.upper().endswith("_PROXY") and not name.startswith("JUPYTER")
    }
    env.update(
        JUPYTER_CONFIG_DIR=str(base / "config"),
        JUPYTER_DATA_DIR=str(base / "data"),
        JUPYTER_RUNTIME_DIR=str(base / "runtime"),
        IPYTHONDIR=str(base / "ipython"),
        NO_PROXY="127.0.0.1,localhost",
        ACTIVECAMPAIGN_URL=sandbox.url,
        ACTIVECAMPAIGN_API_KEY=sandbox.api_key,
    )
    return env


def _write_kernelspec(data_dir: Path) -> None:
    """Write a kernelspec that starts a kernel with this test run's Python."""
    kernel_dir = data_dir / "kernels" / KERNEL_NAME
    kernel_dir.mkdir(parents=True)
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python (ac_notebook tests)",
        "language": "python",
    }
    (kernel_dir / "kernel.json").write_text(json.dumps(spec, indent=1))


def _write_lab_settings(settings_dir: Path) -> None:
    """Turn off JupyterLab's news feed and update check, and start a notebook's
    kernel without the "Select Kernel" dialog."""
    settings = {
        "apputils-extension/notification": {
            "fetchNews": "false",
            "checkForUpdates": False,
        },
        "notebook-extension/tracker": {"autoStartDefaultKernel": True},
    }
    for plugin, values in settings.items():
        path = settings_dir / "@jupyterlab" / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))


def _lab_command(lab: JupyterLab, base: Path) -> list[str]:
    port = urlsplit(lab.url).port
    # CI machines and containers often run tests as root, and Jupyter
    # refuses to start as root without --allow-root.
    as_root = ["--allow-root"] if os.geteuid() == 0 else []
    return [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={lab.token}",
        "--ServerApp.open_browser=False",
        f"--ServerApp.root_dir={lab.notebook_dir}",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class="
        "jupyterlab.handlers.announcements.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
        "--LabApp.expose_app_in_browser=True",
        "--KernelManager.transport=ipc",
        f"--LabApp.user_settings_dir={base / 'user-settings'}",
        f"--LabApp.workspaces_dir={base / 'workspaces'}",
        *as_root,
    ]


def _wait_until_ready(lab: JupyterLab, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + LAB_START_TIMEOUT
    with requests.Session() as http:
        http.trust_env = False
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(
                    f"JupyterLab exited with code {process.returncode}:\n"
                    + lab.log_tail()
                )
            if _responds(http, lab):
                return
            time.sleep(0.25)
    raise TimeoutError(
        f"JupyterLab did not respond within {LAB_START_TIMEOUT:.0f} s:\n"
        + lab.log_tail()
    )


def _responds(http: requests.Session, lab: JupyterLab) -> bool:
    try:
        response = http.get(
            f"{lab.url}/api/status",
            headers={"Authorization": f"token {lab.token}"},
            timeout=2,
        )
    except requests.ConnectionError:
        return False
    return response.status_code == 200


def _stop_lab(lab: JupyterLab, process: subprocess.Popen[bytes]) -> None:
    """Ask JupyterLab to shut down (kernels included), then end it if it does not."""
    if process.poll() is None:
        try:
            with requests.Session() as http:
                http.trust_env = False
                http.post(
                    f"{lab.url}/api/shutdown",
                    headers={"Authorization": f"token {lab.token}"},
                    timeout=5,
                )
        except requests.RequestException:
            pass
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
