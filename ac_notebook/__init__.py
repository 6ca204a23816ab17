"""Work with an ActiveCampaign account's e-commerce data from Jupyter.

>>> import ac_notebook as acn
>>> ac = acn.connect()  # doctest: +SKIP
>>> ac.customers.list(limit=5)  # doctest: +SKIP
"""

import logging
import typing

from ._exceptions import (
    ActiveCampaignError,
    AuthenticationError,
    ConfigurationError,
    DuplicateError,
    FieldError,
    NetworkError,
    NotFoundError,
    RateLimitError,
    RequestError,
    ServerError,
    UnexpectedResponseError,
    ValidationError,
)
from ._helpers import Connection, EcomCustomer, EcomOrder, HelperObject
from ._login import login, login_form
from ._properties import Property, PropertyTable, PropertyType
from ._records import Record, RecordList
from ._resources import Resource
from ._session import SandboxWarning, Session, connect
from ._version import __version__

__all__ = [
    "ActiveCampaignError",
    "AuthenticationError",
    "ConfigurationError",
    "Connection",
    "DuplicateError",
    "EcomCustomer",
    "EcomOrder",
    "FieldError",
    "Form",
    "HelperObject",
    "NetworkError",
    "NotFoundError",
    "Property",
    "PropertyTable",
    "PropertyType",
    "RateLimitError",
    "Record",
    "RecordList",
    "RequestError",
    "Resource",
    "SandboxWarning",
    "ServerError",
    "Session",
    "UnexpectedResponseError",
    "ValidationError",
    "__version__",
    "connect",
    "login",
    "login_form",
]

logging.getLogger(__name__).addHandler(logging.NullHandler())

if typing.TYPE_CHECKING:
    from ._forms import Form


def __getattr__(name: str) -> typing.Any:
    # Form imports ipywidgets, which is slow to import and not needed until a
    # form is built, so it is imported on first use.
    if name == "Form":
        from ._forms import Form

        globals()["Form"] = Form
        return Form
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), "Form"})
