"""01_quickstart.ipynb opened in JupyterLab, run from Chromium, with rich outputs."""

from __future__ import annotations

import json

import pytest

import ac_notebook as acn

from .conftest import KERNEL_NAME, PAGE_TIMEOUT_MS, REPO_ROOT

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NOTEBOOK = "01_quickstart.ipynb"
WORKSPACE_PATH = "/lab/workspaces/quickstart-test/tree/"

#: Milliseconds to wait for the kernel to start and every cell to run.
RUN_TIMEOUT_MS = 240_000

# Each check takes the notebook's path and looks only at the current panel,
# so a tab that JupyterLab restored from an earlier test is never used.
CURRENT_PANEL = """(path) => {
  const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  if (!panel || !panel.context || panel.context.path !== path) return null;
  return panel;
}"""

KERNEL_IDLE = f"""(path) => {{
  const panel = ({CURRENT_PANEL})(path);
  const session = panel && panel.sessionContext && panel.sessionContext.session;
  return Boolean(session && session.kernel && session.kernel.status === "idle");
}}"""

# True once any code cell has an execution count or the kernel is busy.
RUN_STARTED = f"""(path) => {{
  const panel = ({CURRENT_PANEL})(path);
  if (!panel) return false;
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  const cells = panel.content.widgets.filter((cell) => cell.model.type === "code");
  return (kernel && kernel.status === "busy") ||
    cells.some((cell) => cell.model.executionCount !== null);
}}"""

# True once the kernel is idle and every code cell has an execution count,
# which "Run All" gives each cell only when it ran without raising.
ALL_CELLS_RAN = f"""(path) => {{
  const panel = ({CURRENT_PANEL})(path);
  if (!panel || !panel.sessionContext) return false;
  const session = panel.sessionContext.session;
  if (!session || !session.kernel || session.kernel.status !== "idle") return false;
  const cells = panel.content.widgets.filter((cell) => cell.model.type === "code");
  return cells.length > 0 && cells.every((cell) => cell.model.executionCount !== null);
}}"""

# The command's promise settles only when every cell has run, so the page
# starts it without waiting for it.
RUN_ALL_CELLS = """() => {
  window.jupyterapp.commands.execute("notebook:run-all-cells");
}"""

#: Milliseconds to wait for "Run All" to start a cell before sending it again.
START_TIMEOUT_MS = 30_000


def run_all_cells(page):
    """Start "Run All" on the quickstart once its kernel is idle.

    JupyterLab can drop the command while the panel is still becoming
    current. It is sent again only if no cell has started, so no cell runs
    twice.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.wait_for_function(KERNEL_IDLE, arg=NOTEBOOK, timeout=RUN_TIMEOUT_MS)
    for attempt in (1, 2):
        page.evaluate(RUN_ALL_CELLS)
        try:
            page.wait_for_function(RUN_STARTED, arg=NOTEBOOK, timeout=START_TIMEOUT_MS)
            return
        except PlaywrightTimeout:
            if attempt == 2:
                raise


def copy_quickstart(folder):
    """Copy the stored quickstart, switched to the kernel of this test run.

    The stored notebook names the ``python3`` kernel; the test kernelspec
    runs the same interpreter as the tests, with the package installed.
    """
    notebook = json.loads((REPO_ROOT / "notebooks" / NOTEBOOK).read_text("utf-8"))
    notebook["metadata"]["kernelspec"]["name"] = KERNEL_NAME
    (folder / NOTEBOOK).write_text(json.dumps(notebook), encoding="utf-8")


def customers_of(sandbox):
    with acn.Session(sandbox.url, sandbox.api_key, rate_limit=None) as ac:
        return [(record.id, record.email) for record in ac.customers.list()]


def test_quickstart_runs_in_jupyterlab(
    jupyter_lab, lab_sandbox, page, artifacts_dir, blocked_requests
):
    from playwright.sync_api import expect

    copy_quickstart(jupyter_lab.notebook_dir)
    before = customers_of(lab_sandbox)
    screenshot = artifacts_dir / "quickstart-jupyterlab.png"

    # A workspace of its own opens only this notebook, not the tabs of
    # earlier tests.
    url = jupyter_lab.page_url(NOTEBOOK).replace("/lab/tree/", WORKSPACE_PATH)
    page.goto(url)
    try:
        run_all_cells(page)
        page.wait_for_function(ALL_CELLS_RAN, arg=NOTEBOOK, timeout=RUN_TIMEOUT_MS)
    finally:
        page.screenshot(path=str(screenshot), full_page=True)

    outputs = page.locator(".jp-OutputArea-output")
    errors = page.locator(".jp-OutputArea-output[data-mime-type*='error']")
    rich = page.locator(".jp-OutputArea-output .acnb .acnb-rich")
    fallback = page.locator(".jp-OutputArea-output .acnb .acnb-fallback")
    titles = page.locator(".acnb-rich .acnb-title")

    assert errors.count() == 0
    assert rich.count() >= 8
    rich.nth(2).scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts_dir / "quickstart-jupyterlab-lists.png"))
    rich.first.scroll_into_view_if_needed()
    expect(rich.first).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    expect(fallback.first).to_be_hidden()
    expect(titles.first).to_have_text("ActiveCampaign session")
    expect(rich.first).to_contain_text(lab_sandbox.url.removeprefix("http://"))
    expect(page.locator(".acnb-rich table.acnb-list").first).to_be_visible()
    expect(page.locator(".jp-OutputArea-output table.dataframe").first).to_be_visible()
    expect(titles.filter(has_text="ecomCustomer 1").first).to_be_visible()
    for name in ("NotFoundError:", "ValidationError:", "DuplicateError:"):
        expect(outputs.filter(has_text=name).first).to_be_visible()
    expect(outputs.filter(has_text="AuthenticationError:").first).to_be_visible()
    assert lab_sandbox.api_key not in page.content()
    assert blocked_requests.urls == []
    assert customers_of(lab_sandbox) == before
    assert screenshot.stat().st_size > 0
