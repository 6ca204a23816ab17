"""Hostile data rendered in Chromium: no script runs and the layout holds.

Two pages: a static one served from 127.0.0.1 with every display and every
form message made from the hostile corpus, and a JupyterLab notebook that
shows the same data as outputs and live forms. Any script or event handler
in the corpus sets ``window.__pwned``. A control cell or section with
unescaped markup sets ``window.__control``, which proves that handlers do
run on the page, so an unset ``__pwned`` means the escaping held.
"""

from __future__ import annotations

import functools
import html
import json
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import nbformat
import pytest
import requests
from hostile_corpus import HOSTILE, store_corpus

import ac_notebook as acn
from ac_notebook.sandbox import SandboxServer

from .conftest import KERNEL_NAME, PAGE_TIMEOUT_MS

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CONTROL = "<img src=missing.png onerror=\"window.__control='ran'\">"

#: Milliseconds to wait for JupyterLab to start the kernel and render outputs.
LAB_TIMEOUT_MS = 240_000

# Hover, click and focus every element under ``root`` once, so that mouse
# and focus handlers that escaped into the page would run. Buttons are not
# clicked, because the forms' buttons send requests.
PROVOKE = """(root) => {
  const all = [...document.querySelectorAll(root + " *")];
  const types = ["mouseover", "mouseenter", "click", "focus", "animationstart"];
  for (const el of all) {
    for (const type of types) {
      if (type === "click" && el.closest("button")) { continue; }
      el.dispatchEvent(new Event(type, {bubbles: true}));
    }
    if (typeof el.focus === "function") { el.focus(); }
  }
  return all.length;
}"""

HANDLER_ATTRIBUTES = """() => [...document.querySelectorAll("*")]
  .filter(el => [...el.attributes].some(a => a.name.toLowerCase().startsWith("on")))
  .map(el => el.outerHTML.slice(0, 120))"""

SCRIPT_LINKS = """() => [...document.querySelectorAll("[href],[src]")]
  .map(el => el.getAttribute("href") || el.getAttribute("src"))
  .filter(url => /^\\s*(javascript|data|vbscript):/i.test(url))"""


# -- the static page -------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_views(tmp_path_factory) -> Iterator[list[tuple[str, str]]]:
    """Every display and form message of the hostile data, as (name, HTML)."""
    server = SandboxServer(dataset="demo", rate_limit=None, max_body=32_000_000)
    with server, acn.Session(server.url, server.api_key, rate_limit=None) as ac:
        ids = store_corpus(ac, server)
        yield [*display_views(ac, ids), *form_views(ac, server, ids)]


def display_views(ac: acn.Session, ids: dict[str, int]) -> list[tuple[str, str]]:
    views = [
        (f"card {name}", ac.customers.get(i)._repr_html_()) for name, i in ids.items()
    ]
    views += [
        ("customer list", ac.customers.list()._repr_html_()),
        ("customer frame", ac.customers.list().to_frame()._repr_html_()),
        ("connection", ac.connections.get(1)._repr_html_()),
        ("connections", ac.connections.list()._repr_html_()),
        ("order", ac.orders.get(1)._repr_html_()),
        ("order products", ac.order_products.list()._repr_html_()),
        ("order product", ac.order_products.get(1)._repr_html_()),
        ("resource", ac.customers._repr_html_()),
        ("session", ac._repr_html_()),
    ]
    return views


def form_views(
    ac: acn.Session, server: SandboxServer, ids: dict[str, int]
) -> list[tuple[str, str]]:
    """The HTML that forms put in ``HTML`` widgets, after hostile input and errors."""
    forms: list[Any] = [
        ac.customers.update_form(i) for name, i in ids.items() if name != "huge"
    ]
    failing = ac.customers.create_form(connectionid=1)
    body = {
        "errors": [
            {"title": value, "source": {"pointer": "/data/attributes/externalid"}}
            for value in HOSTILE.values()
        ]
    }
    server.faults.add("status", status=422, body=body, method="POST", count=1)
    failing.fields["email"].value = "form@example.com"
    failing.fields["externalid"].value = HOSTILE["script"]
    failing.submit()
    invalid = ac.customers.create_form()
    invalid.fields["email"].value = HOSTILE["img_onerror"]
    invalid.submit()
    login = acn.login_form(HOSTILE["svg_onload"], env_file=None)
    login.key_input.value = "not-a-key-for-anything-0000000000"
    forms += [failing, invalid, login]
    return [
        (f"form {number} widget {index}", widget.value)
        for number, form in enumerate(forms)
        for index, widget in enumerate(html_widgets(form))
    ]


def html_widgets(widget: Any) -> Iterator[Any]:
    if isinstance(widget, widgets.HTML | widgets.HTMLMath):
        yield widget
    for child in getattr(widget, "children", ()):
        yield from html_widgets(child)


def page_html(views: list[tuple[str, str]], control: bool) -> str:
    sections = [
        f'<section class="case" id="case-{n}"><h3>{html.escape(name)}</h3>'
        f'{view}<p class="end" id="end-{n}">END {n}</p></section>'
        for n, (name, view) in enumerate(views)
    ]
    if control:
        sections.append(f'<section class="case" id="control">{CONTROL}</section>')
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>hostile</title>"
        "</head><body>" + "".join(sections) + "</body></html>"
    )


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def static_site(tmp_path) -> Iterator[tuple[Path, str]]:
    """A directory served over HTTP on 127.0.0.1, so relative URLs load and fail."""
    handler = functools.partial(QuietHandler, directory=str(tmp_path))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield tmp_path, f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def open_static(page: Any, site: tuple[Path, str], text: str) -> None:
    folder, url = site
    (folder / "index.html").write_text(text, encoding="utf-8")
    page.goto(f"{url}/index.html", wait_until="load")
    page.wait_for_load_state("networkidle")
    assert page.evaluate(PROVOKE, "body") > 0
    page.wait_for_load_state("networkidle")


def test_static_page_runs_no_script(page, static_site, hostile_views, artifacts_dir):
    open_static(page, static_site, page_html(hostile_views, control=True))
    page.wait_for_function("() => window.__control === 'ran'", timeout=PAGE_TIMEOUT_MS)
    page.screenshot(path=str(artifacts_dir / "hostile-static.png"))

    assert page.evaluate("() => window.__pwned") is None
    assert page.evaluate(HANDLER_ATTRIBUTES) == [CONTROL_OUTER]
    assert page.evaluate(SCRIPT_LINKS) == []
    assert page.evaluate("() => document.scripts.length") == 0


CONTROL_OUTER = '<img src="missing.png" onerror="window.__control=\'ran\'">'


def test_static_page_keeps_layout(page, static_site, hostile_views):
    open_static(page, static_site, page_html(hostile_views, control=False))
    layout = page.evaluate(
        """() => [...document.querySelectorAll("section.case")].map(section => {
             const end = document.getElementById("end-" + section.id.slice(5));
             const box = end ? end.getBoundingClientRect() : null;
             return {
               id: section.id,
               endInside: Boolean(end && end.closest("section") === section),
               endShown: Boolean(box && box.width > 0 && box.height > 0),
               width: section.getBoundingClientRect().width,
             };
           })"""
    )
    viewport = page.evaluate("() => document.documentElement.clientWidth")

    assert [item["id"] for item in layout] == [
        f"case-{n}" for n in range(len(hostile_views))
    ]
    assert [item["id"] for item in layout if not item["endInside"]] == []
    assert [item["id"] for item in layout if not item["endShown"]] == []
    assert [item["id"] for item in layout if item["width"] > viewport] == []


def test_control_markup_is_detected(page, static_site):
    views = [("unescaped", HOSTILE["img_onerror"].replace("src=x", "src=gone.png"))]
    open_static(page, static_site, page_html(views, control=False))
    page.wait_for_function("() => window.__pwned === 'img'", timeout=PAGE_TIMEOUT_MS)


# -- JupyterLab ------------------------------------------------------------------

NOTEBOOK = "hostile.ipynb"

SETUP = """\
import json
import ac_notebook as acn
from ipywidgets import HTML
from IPython.display import display
HOSTILE = json.loads({corpus!r})
ac = acn.Session.sandbox("demo", rate_limit=None)
server = ac.sandbox_server
ids = {{}}
for name, value in HOSTILE.items():
    record = ac.customers.create(
        email=name + "@example.com", connectionid=1, externalid=value
    )
    ids[name] = record.id
    server.store.update(
        "ecomCustomers", record.id, {{"avgProductCategory": value, "email": value}}
    )
print("stored", len(ids))"""

# NOTE: With thousands of widget models arriving at once, ipywidgets' JupyterLab
# manager (jupyterlab_widgets for ipywidgets 8.1) can fail to build some of
# them ("widget model not found"). So each form gets its own cell, and the
# cells run one at a time. The forms show a sample of the corpus, and the
# static page covers the form messages of every entry.
FORM_CASES = [
    "script",
    "img_onerror",
    "attr_break_double",
    "table_break",
    "style_block",
    "rtl_override",
    "nul",
    "long_word",
]

FAILING_FORM = """\
form = ac.customers.create_form(connectionid=1)
server.faults.add("status", status=422, method="POST", count=1, body={
    "errors": [{"title": v, "source": {"pointer": "/data/attributes/email"}}
               for v in HOSTILE.values()]})
form.fields["email"].value = "form@example.com"
form.fields["externalid"].value = HOSTILE["script"]
form.submit()
form"""

LOGIN_FORM = """\
login = acn.login_form(HOSTILE["svg_onload"], env_file=None)
login.key_input.value = "not-a-key-for-anything-0000000000"
login"""

#: The cells after the setup, each with the number of forms shown once it ran.
CELLS: list[tuple[str, int]] = [
    ("for i in ids.values():\n    display(ac.customers.get(i))", 0),
    ("ac.customers.list()", 0),
    ("ac.customers.list().to_frame()", 0),
    *(
        (f"ac.customers.update_form(ids[{name!r}])", number)
        for number, name in enumerate(FORM_CASES, start=1)
    ),
    (FAILING_FORM, len(FORM_CASES) + 1),
    (LOGIN_FORM, len(FORM_CASES) + 1),
    (f"display(HTML({CONTROL!r}))\nprint('ALL-DONE')", len(FORM_CASES) + 1),
]

KERNEL_IDLE = """() => {
  const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const session = panel && panel.sessionContext && panel.sessionContext.session;
  return Boolean(session && session.kernel && session.kernel.status === "idle");
}"""

# The command's promise settles only when the cell has run, and evaluate()
# has no timeout, so the page starts the command without waiting for it.
RUN_CELL = """(index) => {
  const panel = window.jupyterapp.shell.currentWidget;
  panel.content.activeCellIndex = index;
  window.jupyterapp.commands.execute("notebook:run-cell");
}"""

CELL_DONE = """(index) => {
  const panel = window.jupyterapp.shell.currentWidget;
  const cell = panel.content.widgets[index];
  return cell.model.executionCount !== null && !cell.hasClass("jp-mod-running")
    && panel.sessionContext.session.kernel.status === "idle";
}"""


def run_cells(page: Any, expect: Any) -> None:
    """Run the setup, then each cell once the one before it has finished."""
    page.wait_for_function(KERNEL_IDLE, timeout=LAB_TIMEOUT_MS)
    for index, (_, forms) in enumerate([("setup", 0), *CELLS]):
        page.evaluate(RUN_CELL, index)
        page.wait_for_function(CELL_DONE, arg=index, timeout=LAB_TIMEOUT_MS)
        expect(page.locator(".ac-form")).to_have_count(forms, timeout=PAGE_TIMEOUT_MS)


def write_notebook(path: Path) -> None:
    corpus = json.dumps(HOSTILE)
    sources = [SETUP.format(corpus=corpus), *(source for source, _ in CELLS)]
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(source) for source in sources],
        metadata={
            "kernelspec": {
                "name": KERNEL_NAME,
                "display_name": "Python (ac_notebook tests)",
                "language": "python",
            }
        },
    )
    nbformat.write(notebook, path)


OUTPUTS = ".jp-OutputArea-output"

# Outputs that stick out of the notebook: content that widens its output
# area past the notebook instead of wrapping or scrolling inside it.
OVERFLOWING = """(selector) => {
  const notebook = document.querySelector(".jp-Notebook").getBoundingClientRect();
  return [...document.querySelectorAll(selector)]
    .filter(area => area.getBoundingClientRect().right > notebook.right + 1)
    .map(area => area.textContent.slice(0, 80));
}"""
STDERR_OUTPUT = f"{OUTPUTS}[data-mime-type='application/vnd.jupyter.stderr']"
TRACKER_SETTINGS = "lab/api/settings/@jupyterlab/notebook-extension:tracker"


@pytest.fixture
def every_cell_attached(jupyter_lab) -> Iterator[None]:
    """Attach every cell's output to the page, not only those in view.

    JupyterLab leaves cells out of view detached by default, and their
    outputs would never render. The previous setting is restored after.
    """
    url = f"{jupyter_lab.url}/{TRACKER_SETTINGS}"
    headers = {"Authorization": f"token {jupyter_lab.token}"}
    with requests.Session() as http:
        http.trust_env = False
        raw = http.get(url, headers=headers, timeout=10).json()["raw"]
        settings = {**json.loads(raw or "{}"), "windowingMode": "none"}
        changed = http.put(
            url, json={"raw": json.dumps(settings)}, headers=headers, timeout=10
        )
        assert changed.status_code == 204, changed.text
        try:
            yield
        finally:
            http.put(url, json={"raw": raw}, headers=headers, timeout=10)


def test_jupyterlab_outputs_and_forms_run_no_script(
    jupyter_lab, every_cell_attached, page, artifacts_dir, blocked_requests
):
    from playwright.sync_api import expect

    write_notebook(jupyter_lab.notebook_dir / NOTEBOOK)
    screenshot = artifacts_dir / "hostile-jupyterlab.png"
    console: list[str] = []
    page.on(
        "console", lambda message: console.append(f"{message.type}: {message.text}")
    )
    page.on("pageerror", lambda error: console.append(f"pageerror: {error}"))
    page.goto(jupyter_lab.page_url(NOTEBOOK))
    try:
        run_cells(page, expect)
        expect(
            page.locator(".jp-OutputArea-output", has_text="ALL-DONE")
        ).to_have_count(1)
        page.wait_for_function(
            "() => window.__control === 'ran'", timeout=PAGE_TIMEOUT_MS
        )
        assert page.evaluate(PROVOKE, OUTPUTS) > 0
        page.wait_for_timeout(500)
    finally:
        page.screenshot(path=str(screenshot))
        (artifacts_dir / "hostile-jupyterlab-console.txt").write_text(
            "\n".join(console)
        )

    assert page.evaluate("() => window.__pwned") is None
    assert page.evaluate(OVERFLOWING, OUTPUTS) == []
    assert page.locator(f"{OUTPUTS} .acnb").count() >= len(HOSTILE) + 1
    assert page.evaluate(SCRIPT_LINKS) == []
    assert page.locator(f"{OUTPUTS} .ac-login-error").count() == 1
    assert page.locator(STDERR_OUTPUT).count() == 0
    assert [line for line in console if "model not found" in line] == []
    assert blocked_requests.urls == []
