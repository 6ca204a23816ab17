"""A notebook saved after a session that used a known key never contains it.

nbclient runs the notebook in a real kernel that reads the key from its
environment. The cells show records, lists, forms and the login form, log
at DEBUG to the cell output and raise errors (with verbose tracebacks too).
The notebook is saved with outputs and widget state, and the saved file is
searched for the key.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from ac_notebook.sandbox import SandboxServer

KEY = "nb-Secret-7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a29"
PIECES = [KEY, KEY[:12], KEY[8:20], KEY[-12:]]

CELLS = [
    """\
import logging, os, sys
logging.basicConfig(level=logging.DEBUG, stream=sys.stdout, force=True)
logging.getLogger("urllib3").setLevel(logging.DEBUG)
import ac_notebook as acn
ac = acn.Session.from_env(env_file=None, rate_limit=None)
ac""",
    "ac.customers.get(1)",
    "ac.customers.list()",
    "ac.customers",
    "ac.customers.list().to_frame()",
    "vars(ac.client), vars(ac.client._http)",
    "ac.customers.get(99999)",
    "%xmode Verbose",
    "ac.customers.create(email='v@example.com', connectionid=42, externalid='V')",
    "%xmode Context",
    "form = ac.customers.create_form(connectionid=1)\nform",
    "ac.customers.update_form(1)",
    """\
login = acn.login_form(os.environ["ACTIVECAMPAIGN_URL"], rate_limit=None)
display(login)
# What a browser sends when the user types the key and presses Enter.
login.key_input.value = os.environ["ACTIVECAMPAIGN_API_KEY"]
login.session, login.key_input.value""",
    "acn.login(rate_limit=None)",
    """\
wrong = acn.login_form(os.environ["ACTIVECAMPAIGN_URL"])
wrong.key_input.value = "wrong-" + os.environ["ACTIVECAMPAIGN_API_KEY"][::-1]
wrong""",
    "ac.close(); login.session.close()",
]


@pytest.fixture
def keyed_server():
    with SandboxServer(dataset="demo", rate_limit=None, api_key=KEY) as running:
        yield running


@pytest.mark.slow
def test_saved_notebook_hides_key(keyed_server, monkeypatch, tmp_path):
    monkeypatch.setenv("ACTIVECAMPAIGN_URL", keyed_server.url)
    monkeypatch.setenv("ACTIVECAMPAIGN_API_KEY", KEY)
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(source) for source in CELLS]
    )
    client = NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        allow_errors=True,
        store_widget_state=True,
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()
    saved = tmp_path / "session.ipynb"
    nbformat.write(notebook, saved)
    text = Path(saved).read_text(encoding="utf-8")

    for piece in PIECES:
        assert piece not in text, f"{piece!r} is in the saved notebook"
    check_cells_ran(notebook, text)


def check_cells_ran(notebook: nbformat.NotebookNode, text: str) -> None:
    """Make sure the outputs the search relies on were produced."""
    errors = [
        output["ename"]
        for cell in notebook.cells
        for output in cell.get("outputs", [])
        if output["output_type"] == "error"
    ]
    assert errors == ["NotFoundError", "ValidationError", "ConfigurationError"]
    assert "application/vnd.jupyter.widget-state+json" in notebook.metadata.widgets
    assert "urllib3.connectionpool" in text
    assert "GET /api/3/ecomCustomers/1" in text
    assert "cannot ask for input" in text
    assert "Connected to 127.0.0.1" in text
    assert "API key was rejected" in text
