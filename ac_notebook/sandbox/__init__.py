"""Embedded ActiveCampaign API v3 sandbox for notebooks and tests.

``SandboxServer`` runs a real HTTP server on 127.0.0.1 with a SQLite store
and the API's wire format for connections, ecomCustomers, ecomOrders and
ecomOrderProducts. ``python -m ac_notebook.sandbox`` runs it in the
foreground. Only the standard library is imported.
"""

from __future__ import annotations

from ._datasets import (
    DATASETS,
    DatasetLoader,
    dataset_cache_path,
    load_dataset,
    register_dataset,
)
from ._faults import FAULT_KINDS, Fault, FaultSet
from ._received import MAX_RECORDED_BODY, ReceivedRequest, RequestLog
from ._server import SandboxServer
from ._store import Condition, Store

__all__ = [
    "DATASETS",
    "FAULT_KINDS",
    "MAX_RECORDED_BODY",
    "Condition",
    "DatasetLoader",
    "Fault",
    "FaultSet",
    "ReceivedRequest",
    "RequestLog",
    "SandboxServer",
    "Store",
    "dataset_cache_path",
    "load_dataset",
    "register_dataset",
]
