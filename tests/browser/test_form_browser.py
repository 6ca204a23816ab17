"""A create form in JupyterLab, filled in and submitted from Chromium."""

from __future__ import annotations

import nbformat
import pytest

import ac_notebook as acn
from ac_notebook._properties import CUSTOMERS

from .conftest import KERNEL_NAME, PAGE_TIMEOUT_MS

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NOTEBOOK = "create_form.ipynb"

SOURCE = """\
import ac_notebook as acn

ac = acn.Session.from_env(env_file=None, rate_limit=None)
form = ac.customers.create_form()
form"""

#: Milliseconds to wait for the kernel to start and the form to render.
FORM_TIMEOUT_MS = 180_000


def write_notebook(path, source):
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(source)],
        metadata={
            "kernelspec": {
                "name": KERNEL_NAME,
                "display_name": "Python (ac_notebook tests)",
                "language": "python",
            }
        },
    )
    nbformat.write(notebook, path)


KERNEL_IDLE = """() => {
  const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const session = panel && panel.sessionContext && panel.sessionContext.session;
  return Boolean(session && session.kernel && session.kernel.status === "idle");
}"""

# The command's promise settles only when every cell has run, and evaluate()
# has no timeout, so the page starts the command without waiting for it.
RUN_ALL_CELLS = """() => {
  window.jupyterapp.commands.execute("notebook:run-all-cells");
}"""


def run_all_cells(page):
    """Wait for the notebook's kernel, then run every cell with JupyterLab's command."""
    page.wait_for_function(KERNEL_IDLE, timeout=FORM_TIMEOUT_MS)
    page.evaluate(RUN_ALL_CELLS)


def type_into(page, name, text):
    box = page.locator(f".ac-field-{name} input")
    box.fill(text)
    box.press("Enter")


def test_create_form_saves_in_jupyterlab(
    jupyter_lab, lab_sandbox, page, artifacts_dir, blocked_requests
):
    from playwright.sync_api import expect

    email = "browser.buyer@example.com"
    lab_sandbox.received.clear()
    write_notebook(jupyter_lab.notebook_dir / NOTEBOOK, SOURCE)
    screenshot = artifacts_dir / "form-create-jupyterlab.png"

    page.goto(jupyter_lab.page_url(NOTEBOOK))
    try:
        run_all_cells(page)
        form = page.locator(".ac-form")
        expect(form).to_be_visible(timeout=FORM_TIMEOUT_MS)

        type_into(page, "connectionid", "1")
        type_into(page, "externalid", "WEB-BROWSER-1")
        type_into(page, "email", email)
        page.locator(".ac-field-acceptsMarketing input[type=checkbox]").check()
        page.locator(".ac-form-submit").dblclick()

        output = page.locator(".ac-form-output")
        expect(output).to_contain_text(email, timeout=PAGE_TIMEOUT_MS)
    finally:
        page.screenshot(path=str(screenshot), full_page=True)

    with acn.Session(lab_sandbox.url, lab_sandbox.api_key, rate_limit=None) as ac:
        [saved] = ac.customers.list(email=email)
    posts = [r for r in lab_sandbox.received.snapshot() if r.method == "POST"]
    summary = page.locator(".ac-form-summary")

    assert len(posts) == 1
    assert posts[0].body["ecomCustomer"]["acceptsMarketing"] == "1"
    assert saved.externalid == "WEB-BROWSER-1"
    expect(output).to_contain_text("WEB-BROWSER-1")
    expect(summary).to_contain_text(f"Created ecomCustomer {saved.id}.")
    for prop in CUSTOMERS:
        box = page.locator(f".ac-field-{prop.name} input")
        assert box.is_disabled() is prop.read_only, prop.name
    expect(page.locator(".ac-form-required .widget-label").first).to_have_text(
        "connectionid *"
    )
    assert lab_sandbox.api_key not in page.content()
    assert blocked_requests.urls == []
    assert screenshot.stat().st_size > 0
