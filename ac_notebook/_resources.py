"""``Resource``: create, get, update, delete and list for one API resource.

A resource is generic: its property table names the URL path, the JSON
keys, the fields, the filters and the keys that identify a record.
"""

from __future__ import annotations

import builtins
import datetime as dt
import logging
import numbers
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

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
from ._pool import pool_size
from ._progress import PageProgress
from ._properties import PropertyTable
from ._records import Record, RecordList
from ._repr import RichRepr, resource_html, resource_text
from ._sorting import OrderBy, sort_params
from ._types import InvalidValue, encode

if TYPE_CHECKING:
    import pandas as pd

    from ._forms import Form

__all__ = ["Resource"]

logger = logging.getLogger(__name__)

RawPage = tuple[list[dict[str, Any]], int | None]

#: Times a create whose outcome is unknown is looked up and sent again.
CREATE_ATTEMPTS = 3

#: Tries per page of a list, each after the client's own retries.
PAGE_ATTEMPTS = 3


class Resource(RichRepr):
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

    def _text_repr(self) -> str:
        return resource_text(self)

    def _html_repr(self) -> str:
        return resource_html(self)

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
                ``existing_id`` is its id when the lookup found it.

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

    # -- forms ---------------------------------------------------------------

    def create_form(self, **initial: Any) -> Form:
        """Return an ipywidgets form that creates a record of this resource.

        Keyword arguments prefill the form by property name.

        Raises:
            ActiveCampaignError: The resource is read-only in the API.
            ValidationError: An initial value names an unknown or read-only
                property, or has the wrong type.

        >>> ac.customers.create_form(connectionid=1)  # doctest: +SKIP
        """
        from ._forms import Form

        return Form(self, initial=initial)

    def update_form(self, id: int | str) -> Form:
        """Fetch record ``id`` and return an ipywidgets form that edits it.

        Raises:
            ActiveCampaignError: The resource is read-only in the API.
            NotFoundError: No record has that id.
        """
        from ._forms import Form, require_forms

        require_forms(self.table)
        return Form(self, self.get(id))

    # -- bulk writes ---------------------------------------------------------

    def create_many(
        self,
        rows: Any,
        *,
        stop_on_error: bool = False,
        progress: bool | None = None,
    ) -> pd.DataFrame:
        """Create one record per row of a DataFrame or list, a few at a time.

        Rows are validated first and sent by a small thread pool under the
        shared throttle. A failed row does not stop the others unless
        ``stop_on_error`` is set: then rows not yet sent are ``skipped``
        (rows already in flight finish), and a row that fails validation
        stops the run before anything is sent. ``progress`` shows a bar
        when ``True``, none when ``False``, and one for more than one row
        when ``None``.

        Returns:
            A report frame indexed by input position (``row``) with
            ``status`` (created, failed or skipped), ``id`` (Int64) and
            ``error`` (string), then the input's fields. An input field
            named ``status``, ``id`` or ``error`` is renamed
            ``input_<name>``.

        >>> report = ac.customers.create_many(frame)  # doctest: +SKIP
        >>> report.status.value_counts()  # doctest: +SKIP
        """
        from ._bulk import create_many

        self._check_writable("create_many")
        return create_many(self, rows, stop_on_error=stop_on_error, progress=progress)

    def update_many(
        self,
        rows: Any,
        *,
        stop_on_error: bool = False,
        progress: bool | None = None,
    ) -> pd.DataFrame:
        """Update one record per row, found by its ``id``; return the report.

        The id comes from an ``id`` field or column, or from a DataFrame
        index named ``id`` as ``to_frame()`` makes it. Each row sends its
        writable fields; read-only columns and missing values are left out.
        Status is updated, failed or skipped; see ``create_many``.
        """
        from ._bulk import update_many

        self._check_writable("update_many")
        return update_many(self, rows, stop_on_error=stop_on_error, progress=progress)

    def upsert_many(
        self,
        rows: Any,
        *,
        stop_on_error: bool = False,
        progress: bool | None = None,
    ) -> pd.DataFrame:
        """Create or update one record per row; return the report.

        Each row is matched as ``upsert`` does. Status is created, updated,
        unchanged, failed or skipped; see ``create_many``. Running the same
        input twice creates nothing the second time.
        """
        from ._bulk import upsert_many

        self._check_writable("upsert_many")
        return upsert_many(self, rows, stop_on_error=stop_on_error, progress=progress)

    def upsert(self, data: Any = None, /, **fields: Any) -> Record:
        """Create the record, or update the one with the same identifying fields.

        The record is looked up by each group of identifying fields in turn
        (for customers connectionid plus externalid, then connectionid plus
        email). A group with a value that many records share, such as a
        guest's external id ``"0"`` or ``"guest"``, is skipped. With no match
        it is created. With a match, only the given writable fields that
        differ from the stored ones are sent, and nothing is sent when none
        differs.

        Raises:
            ValidationError: The data is invalid, or matches no record and
                lacks a field that a create requires.
        """
        from ._bulk import upsert

        self._check_writable("upsert")
        return upsert(self, data, **fields)[1]

    # -- lists ---------------------------------------------------------------

    def list(
        self,
        *,
        limit: int | None = None,
        progress: bool | None = None,
        order_by: OrderBy = None,
        **filters: Any,
    ) -> RecordList:
        """Fetch every record that matches ``filters``, page by page.

        Once the first page reports the total, the other pages are fetched
        by a few threads at once under the shared throttle, and kept in
        offset order. A page that fails is fetched again from its offset.

        Pages are addressed by offset, so a record created or deleted by
        someone else during the walk shifts the later records between pages:
        one may be skipped, and a repeat is dropped by id. A change of the
        server's total during the walk is logged as a warning.

        Args:
            limit: Maximum number of records to return; ``None`` returns all matches.
            progress: ``True`` shows a progress bar of records fetched,
                ``False`` hides it, and ``None`` shows it only when the first
                page reports that more pages follow.
            order_by: Sort order sent as ``orders[field]=ASC|DESC``: a field
                (``"email"``), a field with a leading ``-`` for descending
                (``"-external_created_date"``), a list of them, or a dict of
                fields to ``"ASC"``/``"DESC"``. Only ``table.orderings`` fields
                are sortable (for ecomOrders; the API documents none for the
                other resources).
            **filters: The API's filters for this resource (for customers
                ``email``, ``externalid``, ``connectionid``).

        Returns:
            A ``RecordList`` whose ``total`` is the server's count of matches.

        Raises:
            ActiveCampaignError: A page still failed after its retries. The
                error's ``partial`` contains the records of the pages before it.
        """
        limit = _checked_limit(limit)
        wire = self._wire_filters(filters)
        sort = sort_params(self.table, order_by)
        bar = PageProgress(self.table.path, progress, limit=limit)
        records: builtins.list[Record] = []
        total: int | None = None
        try:
            with bar:
                for page in self._pages(wire, limit, sort, concurrent=True):
                    total = page.total
                    records.extend(Record(self.table, i, self) for i in page.items)
                    bar.update(page)
        except ActiveCampaignError as exc:
            exc.partial = RecordList(self.table, records, total=total, filters=filters)
            raise
        return RecordList(
            self.table, records, total=total, filters=filters, resource=self
        )

    def frame(
        self,
        *,
        limit: int | None = None,
        progress: bool | None = None,
        **filters: Any,
    ) -> pd.DataFrame:
        """Fetch the matching records as a typed DataFrame indexed by ``id``.

        A shortcut for ``list(...).to_frame()``; the arguments are those of
        ``list()``.

        >>> ac.customers.frame(connectionid=1).dtypes["totalRevenue"]  # doctest: +SKIP
        Int64Dtype()
        """
        rows = self.list(limit=limit, progress=progress, **filters)
        return rows.to_frame()

    def iter(
        self, *, limit: int | None = None, order_by: OrderBy = None, **filters: Any
    ) -> Iterator[Record]:
        """Yield matching records, fetching one page at a time as they are used.

        Pages are fetched sequentially, each only when the records of the one
        before it have been used, so breaking off early sends no more calls.
        The arguments are those of ``list()``.
        """
        wire = self._wire_filters(filters)
        sort = sort_params(self.table, order_by)
        for page in self._pages(wire, limit, sort):
            for item in page.items:
                yield Record(self.table, item, self)

    def pages(
        self, *, limit: int | None = None, order_by: OrderBy = None, **filters: Any
    ) -> Iterator[RecordList]:
        """Yield one ``RecordList`` per page of up to 100 matching records."""
        wire = self._wire_filters(filters)
        sort = sort_params(self.table, order_by)
        for page in self._pages(wire, limit, sort):
            records = [Record(self.table, item, self) for item in page.items]
            yield RecordList(
                self.table, records, total=page.total, filters=filters, resource=self
            )

    @property
    def list_path(self) -> str:
        """URL path (below ``/api/3``) that list calls fetch pages from."""
        return self.table.path

    def _pages(
        self,
        wire: dict[str, str],
        limit: int | None,
        sort: Mapping[str, str],
        *,
        concurrent: bool = False,
    ) -> Iterator[Page]:
        limit = _checked_limit(limit)
        if limit == 0:
            return iter(())

        def fetch(offset: int, count: int) -> RawPage:
            return self._fetch_page(wire, sort, offset, count)

        return fetch_pages(
            fetch,
            filters=wire,
            limit=limit,
            page_size=MAX_PAGE_SIZE,
            workers=pool_size(self._client.throttle.rate) if concurrent else 1,
            attempts=PAGE_ATTEMPTS,
            backoff=self._page_backoff,
        )

    def _page_backoff(self, attempt: int) -> float:
        return self._client.retry.delay(attempt, None)

    def _fetch_page(
        self, wire: dict[str, str], sort: Mapping[str, str], offset: int, count: int
    ) -> RawPage:
        params: dict[str, Any] = {"limit": count, "offset": offset}
        params.update({f"filters[{name}]": value for name, value in wire.items()})
        params.update(sort)
        response = self._client.request("GET", self.list_path, params=params)
        data = response.data
        if not isinstance(data, dict) or not isinstance(
            data.get(self.table.plural), list
        ):
            raise self._shape_error("GET", self.list_path, data, self.table.plural)
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
        if isinstance(value, dt.datetime):
            return value.isoformat(timespec="seconds")
        if isinstance(value, dt.date):
            return value.isoformat()
        raise InvalidValue(
            f"filter {name} must be text, a number or a date, got {value!r}"
        )

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
                created = self._record(response.data, "POST", self.table.path)
                return _with_sent_values(created, payload)
            except DuplicateError as exc:
                raise self._explain_duplicate(exc, payload) from None
            except (NetworkError, ServerError, UnexpectedResponseError) as exc:
                if not _create_outcome_unknown(exc):
                    raise
                found = self._reconcile(payload, exc)
                if found is not None:
                    return found
                if attempt == CREATE_ATTEMPTS:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def find_existing(
        self, payload: Mapping[str, Any], *, strict: bool = False
    ) -> Record | None:
        """Return the record matching ``payload``'s identifying fields, if one exists.

        Tries each group of ``table.match_keys`` whose fields are all present
        and none of whose values is in ``table.shared_values``: guests share
        the external id ``"0"``, so a guest is found by connection and email.
        With ``strict``, a record must also match every other identifying
        field the payload has.
        """
        return self._find_by_groups(payload, self.table.match_keys, strict=strict)

    def _find_by_groups(
        self,
        payload: Mapping[str, Any],
        groups: tuple[tuple[str, ...], ...],
        *,
        strict: bool = False,
    ) -> Record | None:
        identity = self._identity(payload)
        for keys in groups:
            if not self._identifies(identity, keys):
                continue
            wire = {key: identity[key] for key in keys}
            wanted = identity if strict else wire
            for record in self.iter(limit=None, **wire):
                if matches_filters(record._raw, wanted):
                    return record
        return None

    def _identifies(self, identity: Mapping[str, str], keys: tuple[str, ...]) -> bool:
        return all(
            key in identity and not self.table.is_shared_value(key, identity[key])
            for key in keys
        )

    def _identity(self, payload: Mapping[str, Any]) -> dict[str, str]:
        names = {key for keys in self.table.match_keys for key in keys}
        return {
            name: str(payload[name])
            for name in sorted(names)
            if name in self.table.filters and payload.get(name) not in (None, "")
        }

    def _reconcile(
        self, payload: dict[str, Any], exc: ActiveCampaignError
    ) -> Record | None:
        logger.warning(
            "the outcome of creating a %s is unknown (%s); looking it up before "
            "sending again",
            self.table.label,
            type(exc).__name__,
        )
        found = self.find_existing(payload, strict=True)
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
            existing = self._find_by_groups(payload, self._conflict_groups(exc))
        except ActiveCampaignError:
            logger.warning("could not look up the existing %s", self.table.label)
        hint = (
            f" The existing record has id {existing.id}; update it with "
            f"update({existing.id}, ...)."
            if existing is not None
            else ""
        )
        error = DuplicateError(
            exc.message.rstrip(".") + "." + hint,
            exc.errors,
            method=exc.method,
            url=exc.url,
            status=exc.status,
            body=exc.body,
        )
        error.existing_id = existing.id if existing is not None else None
        return error

    def _conflict_groups(self, exc: DuplicateError) -> tuple[tuple[str, ...], ...]:
        """Return the match-key groups holding the fields the server reported.

        The error's ``source.pointer`` names the field whose value is taken,
        such as ``email``, so only groups with that field can find the record
        that has it. Without a named field every group is tried.
        """
        fields = {
            error.field
            for error in exc.errors
            if error.field is not None and error.code == "duplicate"
        }
        if not fields:
            return self.table.match_keys
        return tuple(
            keys
            for keys in self.table.match_keys
            if any(name in fields for name in keys)
        )

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


def _checked_limit(limit: object) -> int | None:
    """Return ``limit`` as an int (numpy integers included), or ``None``."""
    if limit is None:
        return None
    if (
        isinstance(limit, bool)
        or not isinstance(limit, numbers.Integral)
        or int(limit) < 0
    ):
        raise ValidationError(
            f"limit must be a whole number >= 0 or None, got {limit!r}; pass "
            "for example limit=100, or None for every record"
        )
    return int(limit)


#: Ids above this are not ids the API issues (they are 32- or 64-bit integers).
MAX_ID = 2**63 - 1


def _check_id(id: Any, label: str) -> int:
    number: int | None = None
    if isinstance(id, numbers.Integral) and not isinstance(id, bool):
        number = int(id)
    elif isinstance(id, str) and id.strip().isascii() and id.strip().isdigit():
        text = id.strip()
        number = int(text) if len(text) <= 19 else MAX_ID + 1
    if number is None or not 0 < number <= MAX_ID:
        shown = _clipped_repr(id)
        raise ValidationError(
            f"{label} id must be a positive whole number, got {shown}",
            [FieldError("id", "field_invalid", f"invalid id {shown}")],
        )
    return number


def _clipped_repr(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}…({len(text)} chars)"


def _create_outcome_unknown(exc: ActiveCampaignError) -> bool:
    """Tell whether a failed create may still have stored the record.

    A 5xx, a connection lost after sending, and a 2xx whose body cannot be
    read (empty, cut short, not JSON) all leave the outcome unknown.
    """
    if isinstance(exc, NetworkError):
        return exc.outcome_unknown
    if isinstance(exc, UnexpectedResponseError):
        return exc.status is None or 200 <= exc.status < 300
    return isinstance(exc, ServerError)


def _retried(exc: ActiveCampaignError) -> bool:
    return exc.after_unknown_outcome


def _with_sent_values(record: Record, payload: Mapping[str, Any]) -> Record:
    """Fill in the fields a create response leaves out with the values sent.

    The API's create response carries only some fields (for customers:
    ids, email and links), although the record stores every value sent.
    """
    missing = {
        name: value
        for name, value in payload.items()
        if name not in record._raw and not isinstance(value, list)
    }
    if not missing:
        return record
    return Record(record.table, {**record._raw, **missing}, record._resource)
