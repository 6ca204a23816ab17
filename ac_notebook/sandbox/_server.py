"""``SandboxServer``: the embedded ActiveCampaign API server and its controls."""

from __future__ import annotations

import logging
import os
import secrets
import sqlite3
import threading
from types import TracebackType

from ._api import SandboxApi
from ._datasets import check_dataset, load_dataset
from ._faults import FaultSet
from ._http import SandboxHTTPServer, ServerState
from ._ratelimit import RateLimiter
from ._received import RequestLog
from ._store import Store

__all__ = ["SandboxServer"]

logger = logging.getLogger(__name__)

_LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost"})

#: Largest TCP port number.
_MAX_PORT = 65535


class SandboxServer:
    """HTTP server on this machine that speaks the ActiveCampaign API v3.

    It serves connections, ecomCustomers, ecomOrders and ecomOrderProducts
    from a SQLite store in the API's wire format, with its 403, 404, 422 and
    429 responses, a token-bucket rate limit, optional added latency and
    scripted faults.

    Args:
        dataset: Name of the dataset that fills a new store, such as
            ``"empty"`` or ``"demo"``; see ``DATASETS``.
        db: SQLite file to keep the data in. A file that already contains
            data is reused as it is, and the dataset is not loaded again.
            ``start()`` raises ``ValueError`` when the file was filled with
            another dataset. ``None`` keeps the data in memory until
            ``stop()``.
        api_key: Key that clients must send in ``Api-Token``; ``None``
            generates a random one.
        host: Address to listen on.
        port: Port to listen on; 0 picks a free port.
        rate_limit: Requests per second per key, with a burst of the same
            size (at least 1); ``None`` turns the limit off.
        latency: Seconds to wait before handling each API request.
        retry_after: Seconds sent in ``Retry-After`` with 429 responses.
        max_body: Largest request body in bytes; larger ones get 413.

    Raises:
        ValueError: ``dataset`` is not registered or ``port`` is outside 0 to
            65535.

    Example:
        >>> with SandboxServer(dataset="demo") as server:  # doctest: +SKIP
        ...     requests.get(f"{server.url}/api/3/ecomCustomers",
        ...                  headers={"Api-Token": server.api_key})
    """

    def __init__(
        self,
        dataset: str = "demo",
        db: str | os.PathLike[str] | None = None,
        api_key: str | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        rate_limit: float | None = 5.0,
        latency: float = 0.0,
        retry_after: int = 1,
        max_body: int = 1_000_000,
    ) -> None:
        check_dataset(dataset)
        if not 0 <= port <= _MAX_PORT:
            raise ValueError(
                f"invalid port {port}. Choose one from 0 to {_MAX_PORT}, "
                "where 0 picks a free port."
            )
        self.dataset = dataset
        self.db = db
        self.api_key = api_key if api_key is not None else secrets.token_urlsafe(24)
        self.host = host
        self.port = port
        self.max_body = max_body
        #: Scripted failures; see ``FaultSet.add``.
        self.faults = FaultSet()
        #: API requests received, oldest first; headers are not kept.
        self.received = RequestLog()
        self._rate_limit = rate_limit
        self._limiter = _make_limiter(rate_limit)
        self._latency = latency
        self._retry_after = retry_after
        self._store: Store | None = None
        self._httpd: SandboxHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

    @property
    def url(self) -> str:
        """Root URL of the running server, such as ``http://127.0.0.1:8765``."""
        if self._httpd is None:
            raise RuntimeError("the sandbox is not running; call start() first")
        port = self._httpd.server_address[1]
        return f"http://{self.host}:{port}"

    @property
    def store(self) -> Store:
        """The SQLite store of the running server."""
        if self._store is None:
            raise RuntimeError("the sandbox is not running; call start() first")
        return self._store

    @property
    def running(self) -> bool:
        """True between ``start()`` and ``stop()``."""
        return self._httpd is not None

    @property
    def rate_limit(self) -> float | None:
        """Requests per second per key; ``None`` when the limit is off.

        Setting it takes effect at once and refills every bucket.
        """
        return self._rate_limit

    @rate_limit.setter
    def rate_limit(self, value: float | None) -> None:
        self._rate_limit = value
        self._limiter = _make_limiter(value)
        if self._httpd is not None and self._httpd.state is not None:
            self._httpd.state.limiter = self._limiter

    @property
    def latency(self) -> float:
        """Seconds the server waits before handling each API request."""
        return self._latency

    @latency.setter
    def latency(self, value: float) -> None:
        if value < 0:
            raise ValueError(f"latency must be at least 0 seconds, not {value}")
        self._latency = value
        if self._httpd is not None and self._httpd.state is not None:
            self._httpd.state.latency = value

    @property
    def retry_after(self) -> int:
        """Seconds sent in ``Retry-After`` with 429 responses."""
        return self._retry_after

    @retry_after.setter
    def retry_after(self, value: int) -> None:
        self._retry_after = value
        if self._httpd is not None and self._httpd.state is not None:
            self._httpd.state.retry_after = value

    def start(self) -> SandboxServer:
        """Open the store, load the dataset if it is empty, and start serving.

        Returns once the server listens; requests are served from a daemon
        thread. Returns the server itself.

        Raises:
            ValueError: The ``db`` file cannot be opened as a SQLite database,
                or it contains data of a dataset other than ``dataset``.
            OSError: The server cannot listen on ``host`` and ``port``.
        """
        if self._httpd is not None:
            raise RuntimeError(f"the sandbox is already running at {self.url}")
        if self.host not in _LOOPBACK_HOSTS:
            logger.warning(
                "Sandbox listening on %s, reachable from other hosts", self.host
            )

        store = self._open_store()
        try:
            self._httpd = SandboxHTTPServer((self.host, self.port))
        except BaseException:
            store.close()
            raise
        self._store = store
        self._stopping.clear()
        self._httpd.state = ServerState(
            api=SandboxApi(self._store, self.url),
            api_key=self.api_key,
            faults=self.faults,
            received=self.received,
            limiter=self._limiter,
            latency=self._latency,
            retry_after=self._retry_after,
            max_body=self.max_body,
            stopping=self._stopping,
        )
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"ac-sandbox-{self._httpd.server_address[1]}",
            daemon=True,
        )
        self._thread.start()
        logger.info("Sandbox serving dataset %s at %s", self.dataset, self.url)
        return self

    def stop(self) -> None:
        """Stop serving, close open connections and close the store.

        Stalled responses end at once. Calling ``stop()`` on a stopped
        server does nothing.
        """
        if self._httpd is None:
            return

        url = self.url
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.close_connections()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join()
        if self._store is not None:
            self._store.close()
        self._httpd = None
        self._thread = None
        self._store = None
        logger.info("Sandbox at %s stopped", url)

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        where = self.url if self.running else "stopped"
        return f"<SandboxServer dataset={self.dataset!r} {where}>"

    def _open_store(self) -> Store:
        store = _connect_store(self.db)
        try:
            self._fill_store(store)
        except BaseException:
            store.close()
            raise
        return store

    def _fill_store(self, store: Store) -> None:
        if store.is_empty():
            load_dataset(self.dataset, store)
            store.set_setting("dataset", self.dataset)
            return

        recorded = store.get_setting("dataset")
        if recorded is not None and recorded != self.dataset:
            raise ValueError(
                f"The sandbox database {self.db} contains dataset {recorded!r}, "
                f"not {self.dataset!r}. Pass dataset={recorded!r} to reuse it, "
                f"or use another db path or delete the file to load "
                f"{self.dataset!r}."
            )
        logger.info(
            "Reusing the data in %s (dataset %s)", self.db, recorded or "not recorded"
        )


def _connect_store(path: str | os.PathLike[str] | None) -> Store:
    try:
        return Store(path)
    except sqlite3.Error as exc:
        raise ValueError(
            f"Cannot open the sandbox database {path}: {exc}. Check that the "
            "folder exists and is writable and that the file is a SQLite database."
        ) from exc


def _make_limiter(rate: float | None) -> RateLimiter | None:
    return None if rate is None else RateLimiter(rate)
