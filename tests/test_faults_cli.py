"""Faults given to ``python -m ac_notebook.sandbox --fault``."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[1]
HEADERS = {"Api-Token": "cli-key"}


def start(*faults: str) -> tuple[subprocess.Popen[str], str, list[str]]:
    command = [
        sys.executable,
        "-m",
        "ac_notebook.sandbox",
        "--api-key",
        "cli-key",
        "--rate-limit",
        "off",
    ]
    for fault in faults:
        command += ["--fault", fault]
    process = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    assert process.stdout is not None
    lines = []
    while not (line := process.stdout.readline()).startswith("Press Ctrl-C"):
        assert line, "the sandbox exited before it was ready"
        lines.append(line.strip())
    url = lines[0].split(" at ")[1]
    return process, url, lines


@pytest.fixture
def sandbox_with() -> Iterator[object]:
    processes: list[subprocess.Popen[str]] = []

    def run(*faults: str) -> tuple[str, list[str]]:
        process, url, lines = start(*faults)
        processes.append(process)
        return url, lines

    yield run
    for process in processes:
        process.terminate()
        process.communicate(timeout=30)


def test_fault_settings_apply_to_requests(sandbox_with):
    url, lines = sandbox_with(
        "status,status=503,method=GET,count=1,query.offset=100",
        "status,status=429,count=1,header.Retry-After=9,route=ecomCustomers/{id}",
    )
    customers = f"{url}/api/3/ecomCustomers"
    first_page = requests.get(
        customers, params={"offset": 0}, headers=HEADERS, timeout=10
    )
    second_page = [
        requests.get(customers, params={"offset": 100}, headers=HEADERS, timeout=10)
        for _ in range(2)
    ]
    limited = requests.get(f"{customers}/1", headers=HEADERS, timeout=10)
    again = requests.get(f"{customers}/1", headers=HEADERS, timeout=10)

    assert first_page.status_code == 200
    assert [r.status_code for r in second_page] == [503, 200]
    assert "<title>503 Service Unavailable</title>" in second_page[0].text
    assert (limited.status_code, limited.headers["Retry-After"]) == (429, "9")
    assert again.status_code == 200
    faults = [
        json.loads(line.split(": ", 1)[1])
        for line in lines
        if line.startswith("Fault:")
    ]
    assert [fault["kind"] for fault in faults] == ["status", "status"]
    assert faults[0]["query"] == {"offset": "100"}


def test_fault_as_json_with_share(sandbox_with):
    url, _ = sandbox_with('{"kind": "forbidden_bare", "share": 1.0, "method": "POST"}')
    posted = requests.post(
        f"{url}/api/3/ecomCustomers", json={}, headers=HEADERS, timeout=10
    )
    read = requests.get(f"{url}/api/3/connections", headers=HEADERS, timeout=10)
    assert (posted.status_code, posted.content) == (403, b"")
    assert read.status_code == 200


def test_faults_listed_over_control_route(sandbox_with):
    url, _ = sandbox_with("stall_after,seconds=0.01", "html,method=PUT")
    listed = requests.get(f"{url}/_sandbox/faults", headers=HEADERS, timeout=10)
    cleared = requests.delete(f"{url}/_sandbox/faults", headers=HEADERS, timeout=10)
    assert [f["kind"] for f in listed.json()["faults"]] == ["stall_after", "html"]
    assert cleared.status_code == 200
    assert requests.get(
        f"{url}/_sandbox/faults", headers=HEADERS, timeout=10
    ).json() == {"faults": []}


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("melt", "unknown fault kind 'melt'"),
        ("status", "a status fault needs a status"),
        ("status,status=x", "fault setting status must be a number"),
        ("status,503", "expected name=value"),
        ('{"kind": "html", "share": 3}', "between 0 and 1"),
        ("{not json", "invalid fault JSON"),
        ("[1]", "unknown fault kind"),
        ("html,colour=red", "unexpected keyword argument 'colour'"),
    ],
)
def test_invalid_fault_option_exits_with_usage_error(spec, message):
    result = subprocess.run(
        [sys.executable, "-m", "ac_notebook.sandbox", "--fault", spec],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
