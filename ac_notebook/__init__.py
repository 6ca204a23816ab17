"""Work with an ActiveCampaign account's e-commerce data from Jupyter.

>>> import ac_notebook as acn
>>> ac = acn.connect()  # doctest: +SKIP
>>> ac.customers.list(limit=5)  # doctest: +SKIP
"""

import logging

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
]

logging.getLogger(__name__).addHandler(logging.NullHandler())
