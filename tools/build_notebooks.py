"""Write the notebooks in ``notebooks/`` from the cell lists below.

The notebooks are stored without outputs or execution counts, so edit this
file and run it rather than saving a notebook from Jupyter::

    python tools/build_notebooks.py          # rewrite the notebooks
    python tools/build_notebooks.py --check  # exit 1 if one is out of date

Cells are ``("md", text)`` or ``("code", text)``; the text is dedented and
stripped.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from pathlib import Path

import nbformat

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"

Cell = tuple[str, str]

# The setup cell of the write examples in 01 and 02. "{tag}" and "{email}"
# are replaced by the notebook's own name and email variable.
_WRITABLE_CONNECTION = """
# A connection the API lets you write to. Connections of ActiveCampaign's
# own integrations (isInternal) are read-only. Without any other connection,
# a temporary one is created here and deleted at the end.
writable = [c for c in ac.connections.list() if not c.isInternal]
if writable:
    store, temporary_store = writable[0], None
else:
    store = temporary_store = ac.connections.create(
        acn.Connection(
            service="ac-notebook",
            externalid="{tag}",
            name="ac_notebook {tag} (temporary)",
            logoUrl="https://example.com/logo.png",
            linkUrl="https://example.com/",
        )
    )

# Remove what an interrupted earlier run of this notebook left behind.
for leftover in ac.customers.list(email={email}):
    ac.customers.delete(leftover.id)

store
"""

_SHOW_ERROR = """
def show(error):
    \"\"\"Print an error's class, message and field problems.\"\"\"
    print(f"{type(error).__name__}: {error}")
    for problem in getattr(error, "errors", []):
        print(f"  {problem.field}: [{problem.code}] {problem.message}")
"""


QUICKSTART: list[Cell] = [
    (
        "md",
        """
        # Quickstart: e-commerce data from ActiveCampaign

        This notebook connects to an account, looks at customers, creates,
        changes and deletes one, and shows the errors you are likely to
        meet. With no account configured it runs against the built-in
        sandbox, a local server with a small demo store, so nothing leaves
        this machine.

        To use your own account, set `ACTIVECAMPAIGN_URL` and
        `ACTIVECAMPAIGN_API_KEY` in the environment or in a `.env` file
        (both are on Settings > Developer in ActiveCampaign) and restart the
        kernel.
        """,
    ),
    (
        "code",
        """
        from IPython.display import display

        import ac_notebook as acn

        ac = acn.connect()
        ac
        """,
    ),
    (
        "md",
        """
        `connect()` uses your account when both variables are set. Otherwise
        it starts the sandbox and warns that it did. The card above shows
        which one you got.

        ## Resources

        `ac.customers`, `ac.orders`, `ac.order_products` and `ac.connections`
        each list their properties: the wire type, whether a create needs
        it (required) and whether the server sets it (read-only).
        """,
    ),
    ("code", "ac.customers"),
    (
        "md",
        """
        ## List and filter

        `list()` fetches every match, 100 records a request, and `limit`
        caps the count. The table shows the first rows, and `total` is the
        server's count of all matches. `to_frame()` gives a typed pandas
        DataFrame in which money stays in integer cents.
        """,
    ),
    (
        "code",
        """
        customers = ac.customers.list(limit=20)
        customers
        """,
    ),
    ("code", "customers.to_frame().head()"),
    (
        "md",
        """
        Filters are keyword arguments named after the API's filters. For
        customers they are `email`, `externalid` and `connectionid`.
        """,
    ),
    ("code", "ac.customers.list(email=customers[0].email)"),
    (
        "md",
        """
        ## One record

        `get()` fetches one record by id. Values come back as Python types:
        ids, counts and cents as `int`, flags as `bool`, times as `datetime`.
        `raw` keeps the JSON as the API sent it.
        """,
    ),
    (
        "code",
        """
        customer = ac.customers.get(customers[0].id)
        customer
        """,
    ),
    ("code", 'customer.totalRevenue, customer.raw["totalRevenue"], customer.tstamp'),
    (
        "md",
        """
        A customer's orders and an order's products are one call away.
        """,
    ),
    (
        "code",
        """
        orders = customer.orders()
        display(orders)
        if orders:
            display(orders[0].products())
        """,
    ),
    (
        "md",
        """
        ## Create, update and delete

        **On a real account this section writes to it.** It creates one
        customer with the address `ac-notebook-quickstart@example.com`,
        changes it and deletes it again. A customer with that address left
        over from an interrupted run is deleted first.
        """,
    ),
    (
        "code",
        'QUICKSTART_EMAIL = "ac-notebook-quickstart@example.com"\n'
        + _WRITABLE_CONNECTION.replace("{tag}", "quickstart").replace(
            "{email}", "QUICKSTART_EMAIL"
        ),
    ),
    (
        "code",
        """
        new = ac.customers.create(
            acn.EcomCustomer(
                email=QUICKSTART_EMAIL,
                connectionid=store.id,
                externalid="ac-notebook-quickstart",
            )
        )
        new
        """,
    ),
    (
        "md",
        """
        Writes accept a helper object such as `acn.EcomCustomer`, a dict,
        keyword arguments, a dataclass, any object with attributes, or a
        DataFrame row. `update()` sends only the fields you pass.
        """,
    ),
    (
        "code",
        """
        updated = ac.customers.update(new.id, acceptsMarketing=True)
        updated.acceptsMarketing
        """,
    ),
    (
        "code",
        """
        ac.customers.delete(new.id)
        if temporary_store is not None:
            ac.connections.delete(temporary_store.id)
        ac.customers.list(email=QUICKSTART_EMAIL)
        """,
    ),
    (
        "md",
        """
        ## Errors you will meet

        Every error is an `acn.ActiveCampaignError` with the HTTP `method`,
        `url` and `status` (never the key). The cells below catch each one
        and print it.

        | error | when |
        |---|---|
        | `ValidationError` | invalid data, found before sending or by the API (422) |
        | `DuplicateError` | a record with the same identifying fields exists |
        | `NotFoundError` | no record has that id (404) |
        | `AuthenticationError` | the API key is wrong or not allowed (403) |
        | `RateLimitError` | still over 5 requests a second after the retries (429) |
        | `ServerError` | the API failed (5xx) after the retries |
        | `NetworkError` | the connection failed or timed out |
        """,
    ),
    ("code", _SHOW_ERROR),
    (
        "md",
        "The customer deleted above is gone, so fetching it again is a 404.",
    ),
    (
        "code",
        """
        try:
            ac.customers.get(new.id)
        except acn.NotFoundError as error:
            show(error)
        """,
    ),
    (
        "md",
        """
        Invalid data is reported field by field, all at once, and nothing is
        sent.
        """,
    ),
    (
        "code",
        """
        try:
            ac.customers.create(email="not-an-email", connectionid="one")
        except acn.ValidationError as error:
            show(error)
        """,
    ),
    (
        "md",
        """
        A second customer with the same email on the same connection is a
        duplicate. The error names the record that exists.
        """,
    ),
    (
        "code",
        """
        try:
            second = ac.customers.create(
                email=customer.email,
                connectionid=customer.connectionid,
                externalid="ac-notebook-duplicate",
            )
        except acn.ValidationError as error:
            show(error)
        else:
            ac.customers.delete(second.id)
            print("This account accepted the second customer; it was deleted again.")
        """,
    ),
    ("md", "A wrong API key is a 403."),
    (
        "code",
        """
        with acn.Session(ac.client.base_url, "not-the-key") as wrong:
            try:
                wrong.customers.list(limit=1)
            except acn.AuthenticationError as error:
                show(error)
        """,
    ),
    (
        "md",
        """
        Next: `02_forms.ipynb` edits records with forms, and
        `03_customer_analysis.ipynb` analyses 18 months of real purchases.
        """,
    ),
    ("code", "ac.close()"),
]


FORMS: list[Cell] = [
    (
        "md",
        """
        # Forms: create and edit records by clicking

        `create_form()` and `update_form(id)` build an ipywidgets form from
        the resource's property table: one row per property, required ones
        marked with `*`, read-only ones greyed out. With no account
        configured this notebook uses the sandbox.

        **On a real account this notebook writes to it.** It creates one
        customer with the address `ac-notebook-forms@example.com` and
        deletes it at the end.
        """,
    ),
    (
        "code",
        """
        from IPython.display import display

        import ac_notebook as acn

        ac = acn.connect()
        """,
    ),
    (
        "code",
        'FORMS_EMAIL = "ac-notebook-forms@example.com"\n'
        + _WRITABLE_CONNECTION.replace("{tag}", "forms").replace(
            "{email}", "FORMS_EMAIL"
        ),
    ),
    (
        "md",
        """
        ## A create form

        Keyword arguments prefill fields. A form displays itself.
        """,
    ),
    (
        "code",
        """
        form = ac.customers.create_form(connectionid=store.id)
        form
        """,
    ),
    (
        "md",
        """
        In a live notebook you would type into the form and press Submit.
        So that this notebook also runs top to bottom by itself, the next
        cells set the fields in code, which is what typing does, and call
        `submit()`, which is what the button does. Scroll back up to see
        the form change.

        An invalid value is reported under its field, and nothing is sent.
        """,
    ),
    (
        "code",
        """
        form.fields["email"].value = "not an email"
        form.fields["externalid"].value = "ac-notebook-forms"
        print(form.submit())
        form.errors
        """,
    ),
    ("md", "With a valid address the form saves the customer and shows it."),
    (
        "code",
        """
        form.fields["email"].value = FORMS_EMAIL
        saved = form.submit()
        saved
        """,
    ),
    (
        "md",
        """
        ## An update form

        It loads the record and sends only the fields you change.
        """,
    ),
    (
        "code",
        """
        edit = ac.customers.update_form(saved.id)
        edit
        """,
    ),
    (
        "code",
        """
        edit.fields["acceptsMarketing"].value = True
        edit.changes
        """,
    ),
    ("code", "edit.submit()"),
    (
        "md",
        """
        ## Errors from the server

        Some problems only the server can find. A second customer with the
        same email on the same connection is a duplicate, and the form shows
        the server's message.
        """,
    ),
    (
        "code",
        """
        again = ac.customers.create_form(
            connectionid=store.id,
            email=FORMS_EMAIL,
            externalid="ac-notebook-forms-2",
        )
        again.submit()
        if again.result is not None:
            ac.customers.delete(again.result.id)
            print("This account accepted the second customer; it was deleted again.")
        display(again)
        print(again.errors)
        """,
    ),
    (
        "md",
        """
        When the API itself fails (a 5xx status), the form says so as well.
        The sandbox can make every create fail on purpose. On a real account
        this cell only prints a note.
        """,
    ),
    (
        "code",
        """
        server = ac.sandbox_server  # None unless connect() started the sandbox
        if server is not None:
            failure = server.faults.add("status", status=503, method="POST")
            broken = ac.customers.create_form(
                connectionid=store.id,
                email="ac-notebook-forms-3@example.com",
                externalid="ac-notebook-forms-3",
            )
            broken.submit()
            server.faults.remove(failure)
            display(broken)
            print(broken.errors)
        else:
            print("Skipped: only the sandbox can fail on purpose.")
        """,
    ),
    (
        "md",
        """
        ## Deletion

        An update form has a Delete button that requests confirmation first.
        `delete()` does what the Confirm delete button does.
        """,
    ),
    (
        "code",
        """
        edit.delete()
        """,
    ),
    (
        "code",
        """
        if temporary_store is not None:
            ac.connections.delete(temporary_store.id)
        ac.customers.list(email=FORMS_EMAIL)
        """,
    ),
    ("code", "ac.close()"),
]


# Requests to fetch the cdnow customers (23,570) and orders (69,659) at 100
# records a request. The text of the analysis notebook is computed from them.
_CUSTOMER_REQUESTS = -(-23_570 // 100)
_ORDER_REQUESTS = -(-69_659 // 100)

ANALYSIS: list[Cell] = [
    (
        "md",
        """
        # Customer analysis: 18 months of a real music store

        The sandbox's `cdnow` dataset contains every purchase that 23,570
        customers of the CDNOW online music store made from January 1997 to
        June 1998, all of whom first bought in the first quarter of 1997.
        Each purchase is one order, with the number of CDs as the product
        quantity and the amount as `totalPrice` in cents. The data comes
        from Fader, Hardie and Lee (2005), "Counting Your Customers the Easy
        Way", *Marketing Science* 24 (2), as shipped in the MIT-licensed
        `lifetimes` package. The email addresses are made up.

        This notebook fetches the data through `ac_notebook` as it would from
        an account, then looks at revenue per customer, the top customers,
        how many come back, monthly revenue and first-purchase cohorts.
        With `ACTIVECAMPAIGN_URL` and `ACTIVECAMPAIGN_API_KEY` set, it
        analyses your account instead.
        """,
    ),
    (
        "code",
        """
        import matplotlib.pyplot as plt
        import numpy as np

        import ac_notebook as acn
        from ac_notebook.sandbox import dataset_cache_path

        ac = acn.connect(
            dataset="cdnow",
            sandbox_options={"rate_limit": None, "db": dataset_cache_path("cdnow")},
        )
        ac
        """,
    ),
    (
        "md",
        f"""
        **The sandbox runs without its rate limit here.** A real account
        allows 5 requests a second, and each request returns at most 100
        records, so the same fetch takes {_CUSTOMER_REQUESTS} requests for
        the customers and {_ORDER_REQUESTS} for the orders:
        {_CUSTOMER_REQUESTS + _ORDER_REQUESTS} requests, about
        {(_CUSTOMER_REQUESTS + _ORDER_REQUESTS) / 5:.0f} seconds (a little
        over 3 minutes). Without the limit the sandbox needs a few seconds.
        The sandbox also keeps its data in a file
        (`dataset_cache_path("cdnow")`), so only the first start loads it.
        On your account the session keeps to 5 requests a second.

        ## Fetch customers and orders
        """,
    ),
    (
        "code",
        """
        customers = ac.customers.frame()
        orders = ac.orders.frame()
        print(f"{len(customers):,} customers, {len(orders):,} orders")
        """,
    ),
    (
        "md",
        """
        Both frames are indexed by id, and an order's `customerid` is a
        customer's index, so they join directly. Abandoned carts (state 2)
        are not purchases and are left out. Amounts are in cents, and a
        dollar column is added for reading.
        """,
    ),
    (
        "code",
        """
        purchases = orders[orders["state"] != 2].merge(
            customers[["externalid", "email"]],
            left_on="customerid",
            right_index=True,
            suffixes=("", "_customer"),
        )
        purchases["dollars"] = purchases["totalPrice"] / 100
        # The API states times in US Central time, so months are counted there.
        day = purchases["orderDate"].dt.tz_convert("America/Chicago")
        purchases["day"] = day.dt.date
        purchases["month"] = day.dt.tz_localize(None).dt.to_period("M")
        purchases[["customerid", "day", "totalProducts", "dollars"]].head()
        """,
    ),
    (
        "md",
        """
        ## Revenue per customer

        ActiveCampaign keeps each customer's total revenue up to date
        (`totalRevenue`, in cents). It equals the sum of the customer's
        orders:
        """,
    ),
    (
        "code",
        """
        from_orders = purchases.groupby("customerid")["totalPrice"].sum()
        totals = customers["totalRevenue"]
        agree = totals.eq(from_orders.reindex(totals.index, fill_value=0)).all()
        print(f"totalRevenue equals the sum of each customer's orders: {agree}")
        (totals / 100).describe()
        """,
    ),
    (
        "md",
        """
        Revenue is very uneven. Most customers spend little and a few spend
        a lot. A log scale shows the whole range.
        """,
    ),
    (
        "code",
        """
        spenders = totals[totals > 0] / 100
        fig, ax = plt.subplots(figsize=(8, 4))
        if not spenders.empty:
            ax.hist(spenders, bins=np.logspace(0, np.log10(spenders.max()) + 0.1, 40))
        ax.set_xscale("log")
        ax.set_xlabel("revenue per customer (dollars, log scale)")
        ax.set_ylabel("customers")
        ax.set_title("Revenue per customer")
        plt.show()
        """,
    ),
    (
        "md",
        """
        ## Top customers

        The ten customers with the highest revenue, and the share of all
        revenue that the top 10% bring in.
        """,
    ),
    (
        "code",
        """
        top = customers.nlargest(10, "totalRevenue")
        top_table = top[["externalid", "totalOrders", "totalProducts"]].assign(
            revenue=top["totalRevenue"] / 100
        )
        if not top.empty:
            best = top.iloc[0]
            print(
                f"Top customer {best['externalid']}: "
                f"${best['totalRevenue'] / 100:,.2f} "
                f"({best['totalRevenue']} cents) in {best['totalOrders']} orders"
            )
        decile = totals.nlargest(max(len(totals) // 10, 1)).sum()
        share = decile / max(totals.sum(), 1)
        print(f"The top 10% of customers bring {share:.0%} of all revenue")
        top_table
        """,
    ),
    (
        "md",
        """
        ## Repeat purchases

        The share of customers who bought more than once.
        """,
    ),
    (
        "code",
        """
        orders_per_customer = purchases.groupby("customerid").size()
        buyers = len(orders_per_customer)
        repeat = (orders_per_customer >= 2).sum()
        rate = repeat / max(buyers, 1)
        print(f"{repeat:,} of {buyers:,} customers bought again: {rate:.1%}")
        orders_per_customer.value_counts().sort_index().head(10)
        """,
    ),
    (
        "md",
        """
        ## Monthly revenue

        All customers arrived in the first quarter of 1997, so revenue peaks
        then and settles as fewer of them return.
        """,
    ),
    (
        "code",
        """
        monthly = purchases.groupby("month")["dollars"].sum()
        fig, ax = plt.subplots(figsize=(9, 4))
        if not monthly.empty:
            monthly.plot(ax=ax, marker="o")
        ax.set_xlabel("month")
        ax.set_ylabel("revenue (dollars)")
        ax.set_title("Monthly revenue")
        plt.show()
        """,
    ),
    (
        "md",
        """
        ## First-purchase cohorts

        Customers are grouped by the month of their first purchase. Each
        cell shows the share of a cohort that bought again in a given month
        after that first month. Blank cells lie past the end of the data.
        """,
    ),
    (
        "code",
        """
        first = purchases.groupby("customerid")["month"].min().rename("cohort")
        activity = purchases[["customerid", "month"]].drop_duplicates()
        activity = activity.join(first, on="customerid")
        months = activity["month"] - activity["cohort"]
        activity["age"] = months.map(lambda offset: offset.n)
        cohorts = activity.pivot_table(
            index="cohort", columns="age", values="customerid", aggfunc="nunique"
        )
        retention = cohorts.div(cohorts[0], axis=0) if 0 in cohorts else cohorts
        retention.round(3)
        """,
    ),
    (
        "code",
        """
        later = retention.drop(columns=0, errors="ignore")
        fig, ax = plt.subplots(figsize=(10, 3))
        if not later.empty:
            shares = np.ma.masked_invalid(later.to_numpy(dtype=float))
            image = ax.imshow(shares, aspect="auto", cmap="viridis")
            fig.colorbar(image, ax=ax, label="share of cohort buying")
            ax.set_xticks(range(len(later.columns)), [str(a) for a in later.columns])
            ax.set_yticks(range(len(later.index)), [str(c) for c in later.index])
        ax.set_xlabel("months after the first purchase")
        ax.set_title("Share of each first-purchase cohort that buys again")
        plt.show()
        """,
    ),
    ("code", "ac.close()"),
]


def build(cells: list[Cell]) -> nbformat.NotebookNode:
    """Return a notebook of ``cells`` with the python3 kernel and no outputs."""
    notebook = nbformat.v4.new_notebook()
    notebook.metadata = {
        "kernelspec": {
            "display_name": "Python 3 (ipykernel)",
            "language": "python",
            "name": "python3",
        },
        "language_info": {"name": "python"},
    }
    for kind, text in cells:
        source = textwrap.dedent(text).strip()
        if kind == "md":
            notebook.cells.append(nbformat.v4.new_markdown_cell(source))
        else:
            notebook.cells.append(nbformat.v4.new_code_cell(source))
    for index, cell in enumerate(notebook.cells):
        cell.id = f"cell-{index:02d}"
    return notebook


#: File name of each notebook and its cells.
ALL = {
    "01_quickstart.ipynb": QUICKSTART,
    "02_forms.ipynb": FORMS,
    "03_customer_analysis.ipynb": ANALYSIS,
}


def rendered(name: str) -> str:
    """Return the JSON text of notebook ``name`` as this script writes it."""
    notebook = build(ALL[name])
    nbformat.validate(notebook)
    return nbformat.writes(notebook) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write every notebook, or with ``--check`` report those out of date."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 if a stored notebook differs from this script",
    )
    args = parser.parse_args(argv)

    stale = []
    for name in ALL:
        path = NOTEBOOKS / name
        text = rendered(name)
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            continue
        stale.append(name)
        if not args.check:
            path.write_text(text, encoding="utf-8")
    for name in stale:
        action = "out of date" if args.check else "written"
        print(f"{name}: {action}", file=sys.stderr)
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
