"""Displays and progress in a real Jupyter kernel, executed with nbclient."""

import json
import sys

import nbformat
import pytest
from nbclient import NotebookClient

pytestmark = pytest.mark.slow

SETUP = """
import warnings
saved_filters = list(warnings.filters)
warnings.simplefilter("error")

import ac_notebook as acn

ac = acn.Session.sandbox(dataset="empty", rate_limit=None)
ac.sandbox_server.store.insert_many(
    "ecomCustomers",
    [
        {
            "connectionid": 1,
            "externalid": f"K-{n}",
            "email": f"kernel{n}@example.com",
            "email_lower": f"kernel{n}@example.com",
            "acceptsMarketing": "1",
            "totalRevenue": n * 100,
            "totalOrders": 1,
            "totalProducts": 1,
            "avgRevenuePerOrder": n * 100,
            "avgProductCategory": "<b>Books</b>",
            "tstamp": "2024-01-01T00:00:00-06:00",
        }
        for n in range(150)
    ],
)
"""

WIDGET = "application/vnd.jupyter.widget-view+json"


@pytest.fixture
def kernel_env(tmp_path, monkeypatch):
    """Point the python3 kernelspec at this interpreter."""
    spec = tmp_path / "jupyter" / "kernels" / "python3"
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    kernel = {"argv": argv, "display_name": "Python 3", "language": "python"}
    (spec / "kernel.json").write_text(json.dumps(kernel), encoding="utf-8")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    return tmp_path


def run_cells(sources, folder):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    client = NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(folder)}},
    )
    client.execute()
    return notebook.cells


def test_kernel_shows_widget_bar_and_html(kernel_env):
    cells = run_cells(
        [
            SETUP,
            "rows = ac.customers.list()\nrows",
            "ac.customers.list(limit=50)",
            "quiet = ac.customers.list(progress=False)\nprint(len(quiet))",
            "ac",
            "ac.close()\nwarnings.filters[:] = saved_filters",
        ],
        kernel_env,
    )
    listing, single, quiet, session = (cell.outputs for cell in cells[1:5])

    bars = [out for out in listing if out.output_type == "display_data"]
    assert len(bars) == 1
    assert WIDGET in bars[0].data
    # The saved text is the bar as first displayed; updates go over the comm.
    assert "0/150" in bars[0].data["text/plain"]

    result = next(out for out in listing if out.output_type == "execute_result")
    assert "ecomCustomer: 150 records, server total 150" in result.data["text/html"]
    assert "&lt;b&gt;Books&lt;/b&gt;" in result.data["text/html"]
    assert result.data["text/plain"].startswith("ecomCustomer: 150 records")

    assert [out.output_type for out in single] == ["execute_result"]
    assert [(out.output_type, out.text) for out in quiet] == [("stream", "150\n")]
    assert not [
        out
        for out in listing + single + quiet
        if out.output_type == "stream" and out.name == "stderr"
    ]

    shown = next(out for out in session if out.output_type == "execute_result")
    assert "sandbox on this machine" in shown.data["text/html"]
    assert "ActiveCampaign session" in shown.data["text/plain"]
