"""The notebooks run top to bottom in a real kernel, with and without an account.

Each notebook is copied to a temporary folder and executed with nbclient
in a kernel of this interpreter. Without account settings ``connect()``
falls back to the sandbox; with them set to a second sandbox, that one
plays the account. No cell may raise, and the key outputs are checked.
"""

import gzip
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from collections import Counter, defaultdict
from importlib import resources
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from ac_notebook.sandbox import SandboxServer

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
NAMES = ["01_quickstart.ipynb", "02_forms.ipynb", "03_customer_analysis.ipynb"]

#: Seconds one cell may run. The longest fetches about 93,000 records.
CELL_TIMEOUT = 240


@pytest.fixture
def kernel_env(tmp_path, monkeypatch):
    """Point the python3 kernelspec at this interpreter and the cache at tmp."""
    spec = tmp_path / "jupyter" / "kernels" / "python3"
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    kernel = {"argv": argv, "display_name": "Python 3", "language": "python"}
    (spec / "kernel.json").write_text(json.dumps(kernel), encoding="utf-8")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.setenv("AC_NOTEBOOK_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    return tmp_path


def execute(name, folder):
    """Run a copy of notebook ``name`` in ``folder`` and return it with outputs."""
    work = folder / "run"
    work.mkdir()
    copy = work / name
    shutil.copy(NOTEBOOKS / name, copy)
    notebook = nbformat.read(copy, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=CELL_TIMEOUT,
        kernel_name="python3",
        resources={"metadata": {"path": str(work)}},
    )
    client.execute()
    return notebook


def outputs(notebook):
    """Return every output of every code cell, in order."""
    return [out for cell in notebook.cells if "outputs" in cell for out in cell.outputs]


def text_of(notebook):
    """Return the streams and text/plain results of a notebook as one string."""
    parts = []
    for out in outputs(notebook):
        if out.output_type == "stream":
            parts.append(out.text)
        elif "data" in out:
            parts.append(out.data.get("text/plain", ""))
    return "\n".join(parts)


def mime_counts(notebook):
    return Counter(kind for out in outputs(notebook) for kind in out.get("data", {}))


def assert_no_errors(notebook):
    errors = [out for out in outputs(notebook) if out.output_type == "error"]
    assert errors == []
    assert "Traceback" not in text_of(notebook)


def test_quickstart_runs(kernel_env):
    notebook = execute("01_quickstart.ipynb", kernel_env)
    text = text_of(notebook)
    assert_no_errors(notebook)
    assert "SandboxWarning" in text
    assert "not a real account" in text
    assert "ecomCustomer: 12 records, server total 12" in text
    assert "NotFoundError: No Result found for EcomCustomer" in text
    assert "ValidationError: invalid ecomCustomer for create (nothing was sent)" in text
    assert "DuplicateError:" in text
    assert "AuthenticationError: the API key was rejected" in text
    assert "ecomCustomer: 0 records, server total 0" in text
    assert mime_counts(notebook)["text/html"] >= 8


def test_forms_runs(kernel_env):
    notebook = execute("02_forms.ipynb", kernel_env)
    text = text_of(notebook)
    assert_no_errors(notebook)
    assert "SandboxWarning" in text
    assert "is not a valid email address" in text
    assert "already exists for connection 1" in text
    assert "ServerError: the server returned status 503" in text
    assert "{'acceptsMarketing': True}" in text
    assert "ecomCustomer: 0 records, server total 0" in text
    assert mime_counts(notebook)["application/vnd.jupyter.widget-view+json"] >= 4


def cdnow_totals():
    """Return each CDNOW customer's revenue in cents and order count, from the file."""
    data = resources.files("ac_notebook.sandbox") / "data" / "cdnow_master.txt.gz"
    revenue = defaultdict(int)
    orders = defaultdict(int)
    lines = gzip.decompress(data.read_bytes()).decode("ascii").splitlines()
    for line in lines[1:]:
        customer, _, _, dollars = line.split()
        whole, fraction = dollars.split(".")
        revenue[int(customer)] += int(whole) * 100 + int(fraction)
        orders[int(customer)] += 1
    return revenue, orders


@pytest.mark.slow
def test_customer_analysis_runs(kernel_env):
    revenue, orders = cdnow_totals()
    top = max(revenue, key=revenue.__getitem__)
    notebook = execute("03_customer_analysis.ipynb", kernel_env)
    text = text_of(notebook)
    assert_no_errors(notebook)
    assert "SandboxWarning" in text
    assert f"{len(revenue):,} customers, {sum(orders.values()):,} orders" in text
    assert "23,570 customers, 69,659 orders" in text
    dollars = f"${revenue[top] / 100:,.2f}"
    expected = (
        f"Top customer {top}: {dollars} ({revenue[top]} cents) in {orders[top]} orders"
    )
    assert expected in text
    assert "totalRevenue equals the sum of each customer's orders: True" in text
    assert mime_counts(notebook)["image/png"] == 3
    assert (kernel_env / "cache" / "cdnow.sqlite3").is_file()


def load_builder():
    path = ROOT / "tools" / "build_notebooks.py"
    spec = importlib.util.spec_from_file_location("build_notebooks", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", NAMES)
def test_stored_without_outputs(name):
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    nbformat.validate(notebook)
    assert notebook.nbformat == 4
    assert notebook.metadata["kernelspec"]["name"] == "python3"
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == []
            assert cell.execution_count is None


@pytest.mark.parametrize("name", NAMES)
def test_stored_matches_generator(name):
    builder = load_builder()
    stored = (NOTEBOOKS / name).read_text(encoding="utf-8")
    assert stored == builder.rendered(name)


def account_state(server):
    """Return what a notebook could change on an account: customers and stores."""
    store = server.store
    customers = [(row["id"], row["email"]) for row in store.find("ecomCustomers")]
    connections = [row["id"] for row in store.find("connections")]
    return customers, connections, store.count("ecomOrders")


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_runs_with_an_account(kernel_env, monkeypatch, name):
    # A second sandbox plays the account: connect() must use it through the
    # environment variables, and the notebook must leave it as it found it.
    with SandboxServer(dataset="demo", rate_limit=None) as account:
        monkeypatch.setenv("ACTIVECAMPAIGN_URL", account.url)
        monkeypatch.setenv("ACTIVECAMPAIGN_API_KEY", account.api_key)
        before = account_state(account)
        notebook = execute(name, kernel_env)
        after = account_state(account)
        requests_seen = len(account.received)
    text = text_of(notebook)
    assert_no_errors(notebook)
    assert "SandboxWarning" not in text
    assert requests_seen > 0
    assert after == before


def test_binder_setup_fills_cdnow_store(tmp_path):
    binder = ROOT / "binder"
    lines = (binder / "requirements.txt").read_text(encoding="utf-8").splitlines()
    requirements = [line for line in lines if line and not line.startswith("#")]
    assert requirements == ["-e .[lab]"]
    assert (binder / "runtime.txt").read_text(encoding="utf-8") == "python-3.11\n"
    post_build = binder / "postBuild"
    assert os.access(post_build, os.X_OK)
    assert "set -euo pipefail" in post_build.read_text(encoding="utf-8")

    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    env = {**os.environ, "AC_NOTEBOOK_CACHE": str(tmp_path), "PATH": path}
    subprocess.run(
        ["bash", str(post_build)], env=env, check=True, capture_output=True, timeout=120
    )

    db = tmp_path / "cdnow.sqlite3"
    assert db.is_file()
    assert db.stat().st_size > 1_000_000
    with SandboxServer(dataset="cdnow", db=db, rate_limit=None) as server:
        assert server.store.get_setting("dataset") == "cdnow"
        assert server.store.count("ecomCustomers") == 23_570
