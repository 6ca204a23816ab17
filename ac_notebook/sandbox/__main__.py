"""Run the sandbox in the foreground: ``python -m ac_notebook.sandbox``.

Prints the URL, the API key and a line that connects to it, then serves
until Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType
from typing import Any

from ._datasets import DATASETS
from ._faults import FAULT_KINDS, Fault
from ._server import SandboxServer

# Value types of the ``name=value`` settings of ``--fault``; others are text.
_FAULT_NUMBERS: dict[str, type] = {
    "count": int,
    "status": int,
    "share": float,
    "seconds": float,
}


def _rate_limit(text: str) -> float | None:
    if text.strip().lower() == "off":
        return None
    try:
        rate = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a number of requests per second or 'off', not {text!r}"
        ) from None
    if not rate > 0:
        raise argparse.ArgumentTypeError(f"the rate limit must be positive, not {text}")
    return rate


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a port number, not {text!r}"
        ) from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port from 0 to 65535, not {text}")
    return port


def _non_negative(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, not {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a value of at least 0, not {text}")
    return value


def _fault(text: str) -> dict[str, Any]:
    """Parse a ``--fault`` value: a JSON object, or ``KIND,name=value,...``."""
    is_json = text.lstrip().startswith("{")
    spec = _fault_json(text) if is_json else _fault_settings(text)
    try:
        Fault(**spec)
    except (TypeError, ValueError) as exc:
        raise argparse.ArgumentTypeError(f"invalid fault {text!r}: {exc}") from None
    return spec


def _fault_json(text: str) -> dict[str, Any]:
    try:
        spec = json.loads(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"invalid fault JSON {text!r}: {exc}"
        ) from None
    if not isinstance(spec, dict):
        raise argparse.ArgumentTypeError(f"a fault must be a JSON object, not {text!r}")
    return spec


def _fault_settings(text: str) -> dict[str, Any]:
    kind, *settings = [part.strip() for part in text.split(",")]
    spec: dict[str, Any] = {"kind": kind}
    for setting in settings:
        name, sep, value = setting.partition("=")
        if not sep:
            raise argparse.ArgumentTypeError(
                f"expected name=value in fault {text!r}, not {setting!r}"
            )
        _put_setting(spec, name.strip(), value.strip(), text)
    return spec


def _put_setting(spec: dict[str, Any], name: str, value: str, text: str) -> None:
    group, dot, key = name.partition(".")
    if dot and group in ("header", "query"):
        spec.setdefault("headers" if group == "header" else "query", {})[key] = value
        return
    convert = _FAULT_NUMBERS.get(name, str)
    try:
        spec[name] = convert(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"fault setting {name} must be a number in {text!r}, not {value!r}"
        ) from None


def build_parser() -> argparse.ArgumentParser:
    """Return the command-line parser."""
    parser = argparse.ArgumentParser(
        prog="python -m ac_notebook.sandbox",
        description=(
            "Run a local ActiveCampaign API v3 sandbox (connections, "
            "ecomCustomers, ecomOrders, ecomOrderProducts) until Ctrl-C."
        ),
    )
    _add_server_arguments(parser)
    _add_behaviour_arguments(parser)
    return parser


def _add_server_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default: %(default)s, this machine only)",
    )
    parser.add_argument(
        "--port",
        type=_port,
        default=0,
        help="TCP port to listen on; 0 picks a free port (default: %(default)s)",
    )
    parser.add_argument(
        "--dataset",
        default="demo",
        choices=sorted(DATASETS),
        help="data that fills a new store (default: %(default)s)",
    )
    parser.add_argument(
        "--db",
        metavar="PATH",
        help=(
            "SQLite file that keeps the data between runs; a file that already "
            "contains data is reused, and it must have been filled with the same "
            "--dataset (default: in memory)"
        ),
    )
    parser.add_argument(
        "--api-key",
        metavar="KEY",
        help="API key that clients send in the Api-Token header (default: random)",
    )


def _add_behaviour_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--rate-limit",
        metavar="R",
        type=_rate_limit,
        default=5.0,
        help=(
            "requests per second per API key, with a burst of the same size, "
            "or 'off' (default: 5)"
        ),
    )
    parser.add_argument(
        "--latency",
        metavar="SECONDS",
        type=_non_negative,
        default=0.0,
        help="seconds to wait before handling each API request (default: 0)",
    )
    parser.add_argument(
        "--retry-after",
        metavar="SECONDS",
        type=int,
        default=1,
        help="seconds sent in Retry-After with 429 responses (default: 1)",
    )
    parser.add_argument(
        "--max-body",
        metavar="BYTES",
        type=int,
        default=1_000_000,
        help="largest request body in bytes; larger get 413 (default: %(default)s)",
    )
    parser.add_argument(
        "--fault",
        metavar="SPEC",
        type=_fault,
        action="append",
        default=[],
        help=(
            "inject a fault, repeatable: KIND,name=value,... such as "
            "'status,status=503,share=0.2' or "
            "'status,status=429,count=20,header.Retry-After=5', or the same as a "
            "JSON object. Kinds: " + ", ".join(FAULT_KINDS) + ". Settings: "
            "method, route, count, share, status, body, seconds, "
            "header.NAME, query.NAME"
        ),
    )
    parser.add_argument(
        "--verbose",
        action="store_true",
        help="log every request to standard error",
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the sandbox until interrupted; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        server = _start_server(args)
    except ValueError as exc:
        return _report_start_error(parser, str(exc))
    except OSError as exc:
        address = f"{args.host}:{args.port}"
        return _report_start_error(parser, f"cannot listen on {address}: {exc}")

    print(f"ActiveCampaign sandbox at {server.url}", flush=True)
    print(f"API key: {server.api_key}", flush=True)
    print(
        f"Connect: ac_notebook.Session({server.url!r}, {server.api_key!r})", flush=True
    )
    for fault in server.faults:
        print(f"Fault: {json.dumps(fault.to_dict())}", flush=True)
    print("Press Ctrl-C to stop.", flush=True)

    _wait_for_interrupt()
    server.stop()
    return 0


def _report_start_error(parser: argparse.ArgumentParser, message: str) -> int:
    """Print ``message`` in argparse's error format and return its exit status."""
    print(f"{parser.prog}: error: {message}", file=sys.stderr)
    return 2


def _start_server(args: argparse.Namespace) -> SandboxServer:
    server = SandboxServer(
        dataset=args.dataset,
        db=args.db,
        api_key=args.api_key,
        host=args.host,
        port=args.port,
        rate_limit=args.rate_limit,
        latency=args.latency,
        retry_after=args.retry_after,
        max_body=args.max_body,
    )
    for spec in args.fault:
        server.faults.add(**spec)
    return server.start()


def _wait_for_interrupt() -> None:
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
