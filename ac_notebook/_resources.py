"""``Resource``: create, get, update, delete and list for one API resource.

A resource is generic: its property table names the URL path, the JSON
keys, the fields, the filters and the keys that identify a record.
"""

from __future__ import annotations

import builtins
import logging
import numbers
from collections.abc import Iterator, Mapping
from typing import Any

from ._client import Client
from ._exceptions import (
    ActiveCampaignError,
    DuplicateError,
    FieldError,
    NetworkError,
    NotFoundError,
    ServerError,
    UnexpectedResponseError,
    ValidationError,
)
from ._helpers import HelperObject
from ._pagination import MAX_PAGE_SIZE, Page, fetch_pages, matches_filters, parse_total
from ._payload import build_payload, collect_values
from ._properties import PropertyTable
from ._records import Record, RecordList
from ._types import InvalidValue, encode

__all__ = ["Resource"]

logger = logging.getLogger(__name__)

RawPage = tuple[list[dict[str, Any]], int | None]

#: Times a create whose outcome is unknown is looked up and sent again.
CREATE_ATTEMPTS = 3


class Resource:
    """CRUD calls for one API resource, such as ``ac.customers``.

    Args:
        client: The HTTP client of the owning Session.
        table: The resource's property table.
        helper: The helper object class for writes, if the resource has one.
    """

    def __init__(
        self,
        client: Client,
        table: PropertyTable,
        helper: type[HelperObject] | None = None,
    ) -> None:
        self._client = client
        self.table = table
        self.helper = helper

    def __repr__(self) -> str:
        return f"<Resource {self.table.path}>"

    # -- single records ------------------------------------------------------

    def get(self, id: int | str) -> Record:
        """Fetch one record by id.

        Raises:
            NotFoundError: No record has that id.
            ValidationError: ``id`` is not a positive whole number.
        """
        path = self._item_path(id)
        response = self._client.request("GET", path)
        return self._record(response.data, "GET", path)

    def create(self, data: Any = None, /, **fields: Any) -> Record:
        """Create a record from a helper object, dict, row, object or keywords.

        The payload is validated first; nothing is sent while it is invalid.
        When the outcome of the request is unknown (timeout, reset, 5xx), the
        record is looked up by its identifying fields before anything is
        sent again, so a retry never creates a duplicate.

        Raises:
            ValidationError: The data is invalid (locally or per the server).
            DuplicateError: A record with the same identifying fields exists;
                ``existing_id`` holds its id when the lookup found it.

        >>> ac.customers.create(email="a@example.com", connectionid=1,
        ...                     externalid="C-1")  # doctest: +SKIP
        <Record ecomCustomer id=13>
        """
        self._check_writable("create")
        payload = build_payload(self.table, collect_values(data, **fields), "create")
        return self._create_payload(payload)

    def update(self, id: int | str, data: Any = None, /, **fields: Any) -> Record:
        """Change the given fields of record ``id`` and return the saved record.

        Only the fields passed are sent. Read-only values carried by a
        fetched ``Record`` or a DataFrame row are ignored.
        """
        self._check_writable("update")
        path = self._item_path(id)
        payload = build_payload(self.table, collect_values(data, **fields), "update")
        response = self._client.request(
            "PUT", path, json_body={self.table.singular: payload}
        )
        return self._record(response.data, "PUT", path)

    def delete(self, id: int | str) -> None:
        """Delete record ``id``.

        Raises:
            NotFoundError: No record has that id (and no earlier attempt of
                this call may have deleted it).
        """
        self._check_writable("delete")
        path = self._item_path(id)
        try:
            self._client.request("DELETE", path)
        except NotFoundError as exc:
            if not _retried(exc):
                raise
            logger.info(
                "DELETE %s: gone after a retry, so the first attempt worked", path
            )

    # -- lists ---------------------------------------------------------------

    def list(self, *, limit: int | None = None, **filters: Any) -> RecordList:
        """Fetch every record that matches ``filters``, page by page.

        Args:
            limit: Most records to return; ``None`` returns all matches.
            **filters: The API's filters for this resource (for customers
                ``email``, ``externalid``, ``connectionid``).

        Returns:
            A ``RecordList`` whose ``total`` is the server's count of matches.
        """
        wire = self._wire_filters(filters)
        records: builtins.list[Record] = []
        total: int | None = None
        try:
            for page in self._pages(wire, limit):
                total = page.total
                records.extend(Record(self.table, item, self) for item in page.items)
        except ActiveCampaignError as exc:
            exc.partial = RecordList(self.table, records, total=total, filters=filters)
            raise
        return RecordList(
            self.table, records, total=total, filters=filters, resource=self
        )

    def iter(self, *, limit: int | None = None, **filters: Any) -> Iterator[Record]:
        """Yield matching records, fetching one page at a time as they are used."""
        wire = self._wire_filters(filters)
        for page in self._pages(wire, limit):
            for item in page.items:
                yield Record(self.table, item, self)

    def pages(
        self, *, limit: int | None = None, **filters: Any
    ) -> Iterator[RecordList]:
        """Yield one ``RecordList`` per page of up to 100 matching records."""
        wire = self._wire_filters(filters)
        for page in self._pages(wire, limit):
            records = [Record(self.table, item, self) for item in page.items]
            yield RecordList(
                self.table, records, total=page.total, filters=filters, resource=self
            )

    def _pages(self, wire: dict[str, str], limit: int | None) -> Iterator[Page]:
        if limit is not None and (not isinstance(limit, int) or limit < 0):
            raise ValidationError(
                f"limit must be a whole number >= 0 or None, got {limit!r}"
            )
        if limit == 0:
            return iter(())

        def fetch(offset: int, count: int) -> RawPage:
            return self._fetch_page(wire, offset, count)

        return fetch_pages(fetch, filters=wire, limit=limit, page_size=MAX_PAGE_SIZE)

    def _fetch_page(self, wire: dict[str, str], offset: int, count: int) -> RawPage:
        params: dict[str, Any] = {"limit": count, "offset": offset}
        params.update({f"filters[{name}]": value for name, value in wire.items()})
        response = self._client.request("GET", self.table.path, params=params)
        data = response.data
        if not isinstance(data, dict) or not isinstance(
            data.get(self.table.plural), list
        ):
            raise self._shape_error("GET", self.table.path, data, self.table.plural)
        return data[self.table.plural], parse_total(data.get("meta"))

    def _wire_filters(self, filters: Mapping[str, Any]) -> dict[str, str]:
        wire: dict[str, str] = {}
        errors: builtins.list[FieldError] = []
        for name, value in filters.items():
            if name not in self.table.filters:
                errors.append(self._unknown_filter(name))
                continue
            try:
                wire[name] = self._encode_filter(name, value)
            except InvalidValue as exc:
                errors.append(FieldError(name, "field_invalid", str(exc)))
        if errors:
            raise ValidationError(
                "invalid filters (nothing was sent): "
                + "; ".join(str(e) for e in errors),
                errors,
            )
        return wire

    def _encode_filter(self, name: str, value: Any) -> str:
        if name in self.table:
            encoded = encode(self.table[name], value)
            return str(encoded)
        if isinstance(value, str | numbers.Integral) and not isinstance(value, bool):
            return str(value)
        raise InvalidValue(f"filter {name} must be text or a number, got {value!r}")

    def _unknown_filter(self, name: str) -> FieldError:
        known = ", ".join(self.table.filters) or "none"
        return FieldError(
            name,
            "unknown_filter",
            f"{self.table.path} cannot be filtered by {name!r}; "
            f"the API's filters are: {known}",
        )

    # -- create with reconciliation -------------------------------------------

    def _create_payload(self, payload: dict[str, Any]) -> Record:
        body = {self.table.singular: payload}
        for attempt in range(1, CREATE_ATTEMPTS + 1):
            try:
                response = self._client.request("POST", self.table.path, json_body=body)
            except DuplicateError as exc:
                raise self._explain_duplicate(exc, payload) from None
            except (NetworkError, ServerError) as exc:
                if isinstance(exc, NetworkError) and not exc.outcome_unknown:
                    raise
                found = self._reconcile(payload, exc)
                if found is not None:
                    return found
                if attempt == CREATE_ATTEMPTS:
                    raise
                continue
            return self._record(response.data, "POST", self.table.path)
        raise AssertionError("unreachable")  # pragma: no cover

    def find_existing(self, payload: Mapping[str, Any]) -> Record | None:
        """Return the record matching ``payload``'s identifying fields, if one exists.

        Tries each group of ``table.match_keys`` whose fields are all present.
        """
        for keys in self.table.match_keys:
            if not all(payload.get(key) not in (None, "") for key in keys):
                continue
            wire = {key: str(payload[key]) for key in keys if key in self.table.filters}
            if len(wire) != len(keys):
                continue
            for record in self.iter(limit=None, **wire):
                if matches_filters(record._raw, wire):
                    return record
        return None

    def _reconcile(
        self, payload: dict[str, Any], exc: ActiveCampaignError
    ) -> Record | None:
        logger.warning(
            "the outcome of creating a %s is unknown (%s); looking it up before "
            "sending again",
            self.table.label,
            type(exc).__name__,
        )
        found = self.find_existing(payload)
        if found is not None:
            logger.info(
                "found the %s as id %s; not sending again", self.table.label, found.id
            )
        return found

    def _explain_duplicate(
        self, exc: DuplicateError, payload: dict[str, Any]
    ) -> DuplicateError:
        existing = None
        try:
            existing = self.find_existing(payload)
        except ActiveCampaignError:
            logger.warning("could not look up the existing %s", self.table.label)
        hint = (
            f" The existing record has id {existing.id}; update it with "
            f"update({existing.id}, ...)."
            if existing is not None
            else ""
        )
        error = DuplicateError(
            exc.message + "." + hint,
            exc.errors,
            method=exc.method,
            url=exc.url,
            status=exc.status,
            body=exc.body,
        )
        error.existing_id = existing.id if existing is not None else None
        return error

    # -- shared steps --------------------------------------------------------

    def _check_writable(self, verb: str) -> None:
        if not self.table.writable_resource:
            raise ActiveCampaignError(
                f"{self.table.path} is read-only in the API; {verb} is not available. "
                "Order products are written as part of an order."
            )

    def _item_path(self, id: Any) -> str:
        return f"{self.table.path}/{_check_id(id, self.table.label)}"

    def _record(self, data: Any, method: str, path: str) -> Record:
        item = data.get(self.table.singular) if isinstance(data, dict) else None
        if not isinstance(item, dict) or not item:
            raise self._shape_error(method, path, data, self.table.singular)
        return Record(self.table, item, self)

    def _shape_error(
        self, method: str, path: str, data: Any, key: str
    ) -> UnexpectedResponseError:
        found = (
            "an empty body"
            if data is None
            else f"keys {sorted(data)[:8]}"
            if isinstance(data, dict)
            else f"a {type(data).__name__}"
        )
        return UnexpectedResponseError(
            f"expected a {key!r} object in the response, got {found}",
            method=method,
            url=self._client.url_for(path),
            body=data,
        )


def _check_id(id: Any, label: str) -> int:
    if isinstance(id, numbers.Integral) and not isinstance(id, bool):
        number = int(id)
    elif isinstance(id, str) and id.strip().isdigit() and id.strip().isascii():
        number = int(id.strip())
    else:
        raise ValidationError(
            f"{label} id must be a positive whole number, got {id!r}",
            [FieldError("id", "field_invalid", f"invalid id {id!r}")],
        )
    if number <= 0:
        raise ValidationError(
            f"{label} id must be a positive whole number, got {id!r}",
            [FieldError("id", "field_invalid", f"invalid id {id!r}")],
        )
    return number


def _retried(exc: ActiveCampaignError) -> bool:
    return exc.after_unknown_outcome
