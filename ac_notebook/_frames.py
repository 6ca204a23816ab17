"""Typed pandas DataFrames built from raw API records.

Each column's dtype follows its property's type in the property table:

============================  ==========================
property type                 dtype
============================  ==========================
``string (numeric)``          ``Int64`` (ids and counts)
``string (cents)``            ``Int64`` (integer cents)
``string ("0"/"1")``          ``boolean``
``string (timestamp)``        ``datetime64[ns, UTC]``
``string``, email, url        ``string``
``array (objects)``           ``object`` (lists of dicts)
============================  ==========================

The frame is indexed by ``id`` (``Int64``). ``links`` is left out, and
fields the table does not know are kept with an inferred nullable dtype
(``object`` when the values are mixed). Timestamp columns are converted
whole with ``pd.to_datetime``. Whole-number columns are parsed value by
value as Python ints with the records' decoder, so large ids stay exact and
a frame and a Record agree on which values are invalid. A value sent as a
JSON number gives the same result as one sent as a string.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ._properties import Property, PropertyTable, PropertyType
from ._types import decode, decode_whole

__all__ = [
    "DROPPED_KEYS",
    "INDEX_NAME",
    "TIMESTAMP_DTYPE",
    "column_dtypes",
    "dtype_for",
    "records_frame",
]

logger = logging.getLogger(__name__)

#: Name and dtype of the frame's index.
INDEX_NAME = "id"
INDEX_DTYPE = "Int64"

#: NOTE: nanosecond resolution covers the years 1677 to 2262 only, so times
#: outside that range become NaT, with a warning in the log.
TIMESTAMP_DTYPE = "datetime64[ns, UTC]"

#: Keys of a raw record that never become columns.
DROPPED_KEYS = frozenset({"links"})

_DTYPES: dict[PropertyType, str] = {
    PropertyType.NUMERIC: "Int64",
    PropertyType.CENTS: "Int64",
    PropertyType.FLAG: "boolean",
    PropertyType.TIMESTAMP: TIMESTAMP_DTYPE,
    PropertyType.STRING: "string",
    PropertyType.EMAIL: "string",
    PropertyType.URL: "string",
    PropertyType.OBJECTS: "object",
}

# Wire forms of a flag that need no parsing. Other spellings ("true",
# " yes ") go through ``decode`` one value at a time.
_TRUE_WIRE = ("1", 1, True)
_FALSE_WIRE = ("0", 0, False)

# The API's placeholder for "no time", which is missing rather than invalid.
_NO_TIME = "0000-00-00"


def dtype_for(prop: Property) -> str:
    """Return the pandas dtype name of ``prop``'s column."""
    return _DTYPES[prop.type]


def column_dtypes(table: PropertyTable) -> dict[str, str]:
    """Return the column names and dtypes of ``table``'s frames, in order."""
    return {
        prop.name: dtype_for(prop)
        for prop in table
        if prop.name != INDEX_NAME and prop.name not in DROPPED_KEYS
    }


def records_frame(
    table: PropertyTable, raws: Sequence[Mapping[str, Any]]
) -> pd.DataFrame:
    """Build the typed DataFrame of ``raws``, records of ``table``'s resource.

    Args:
        table: The property table that sets the columns and their dtypes.
        raws: JSON objects as the API returned them.

    Returns:
        One row per record, indexed by ``id``, with one column per property
        (in table order) and then one per unknown field. Values that do not
        parse as their type become missing and are counted in a warning.
    """
    source = pd.DataFrame(list(raws), dtype=object)
    count = len(raws)

    columns: dict[str, pd.Series] = {}
    for prop in table:
        if prop.name == INDEX_NAME or prop.name in DROPPED_KEYS:
            continue
        columns[prop.name] = _convert(prop, _column(source, prop.name, count))

    for name in source.columns:
        if name in table or name in DROPPED_KEYS:
            continue
        columns[str(name)] = _infer(source[name])

    ids = _to_int64(_column(source, INDEX_NAME, count), INDEX_NAME)
    frame: pd.DataFrame = pd.DataFrame(columns, index=pd.RangeIndex(count))
    frame.index = pd.Index(ids.array, dtype=INDEX_DTYPE, name=INDEX_NAME)
    return frame


def _column(source: pd.DataFrame, name: str, count: int) -> pd.Series:
    if name in source.columns:
        return source[name]
    return pd.Series([None] * count, dtype=object)


def _convert(prop: Property, values: pd.Series) -> pd.Series:
    return _CONVERTERS[prop.type](values, prop)


def _to_int64(values: pd.Series, name: str) -> pd.Series:
    fast = _plain_int64(values)
    if fast is not None:
        return fast

    # Each value is parsed as a Python int by the records' own decoder, so a
    # frame and a Record agree ("1e3" and "12.5" are invalid in both), and
    # no value passes through float, which would round large ids.
    parsed = [_whole_or_none(value) for value in values]
    numbers: pd.Series = pd.Series(pd.array(parsed, dtype="Int64"), index=values.index)
    _report_invalid(values, numbers, name, "whole number")
    return numbers


_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1

_ASCII_DIGITS = re.compile(r"[0-9]*")


def _plain_int64(values: pd.Series) -> pd.Series | None:
    """Convert a column of short digit strings or ints in one vectorised step.

    Returns ``None`` when any value needs the per-value decoder (an odd
    string, a float, a long number), which then also reports it.
    """
    present = values.notna().to_numpy()
    subset = values[present]
    kind = pd.api.types.infer_dtype(subset, skipna=False)
    # One regex over the joined text checks that every value is plain ASCII
    # digits. Numpy then parses them exactly. An empty string or a value past
    # int64 makes numpy raise, so that column takes the per-value path.
    if kind == "string" and not _ASCII_DIGITS.fullmatch("".join(subset.tolist())):
        return None
    if kind in ("string", "integer"):
        try:
            parsed = subset.astype("int64").to_numpy()
        except (ValueError, OverflowError):
            return None
    elif kind == "empty":
        parsed = np.zeros(0, dtype="int64")
    else:
        return None
    data = np.zeros(len(values), dtype="int64")
    data[present] = parsed
    array = pd.arrays.IntegerArray(data, ~present)
    column: pd.Series = pd.Series(array, index=values.index)
    return column


def _whole_or_none(value: Any) -> int | None:
    """Return ``value`` decoded as an int64, or ``None`` if it is not one."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, np.integer):
        value = int(value)
    decoded = decode_whole(value)
    if not isinstance(decoded, int) or isinstance(decoded, bool):
        return None
    if not _INT64_MIN <= decoded <= _INT64_MAX:
        return None
    return decoded


def _numbers(values: pd.Series, prop: Property) -> pd.Series:
    return _to_int64(values, prop.name)


def _flags(values: pd.Series, prop: Property) -> pd.Series:
    true = values.isin(_TRUE_WIRE).to_numpy(copy=True)
    false = values.isin(_FALSE_WIRE).to_numpy()
    missing = ~(true | false)

    # Only values outside the plain wire forms are decoded one at a time.
    for position in np.flatnonzero(missing):
        value = values.iat[int(position)]
        if value is None or value == "":
            continue
        decoded = decode(prop, value)
        if isinstance(decoded, bool):
            true[position] = decoded
            missing[position] = False

    flags: pd.Series = pd.Series(
        pd.arrays.BooleanArray(true, missing), index=values.index
    )
    _report_invalid(values, flags, prop.name, 'flag ("0" or "1")')
    return flags


def _timestamps(values: pd.Series, prop: Property) -> pd.Series:
    text = _only_strings(values)
    parsed = pd.to_datetime(text, utc=True, format="ISO8601", errors="coerce")
    if not isinstance(parsed, pd.Series):
        parsed = pd.Series(parsed, index=values.index)

    lowest = pd.Timestamp.min.tz_localize("UTC")
    highest = pd.Timestamp.max.tz_localize("UTC")
    in_range = parsed.isna() | ((parsed >= lowest) & (parsed <= highest))
    stamps: pd.Series = parsed.where(in_range).astype(TIMESTAMP_DTYPE)

    _report_invalid(values, stamps, prop.name, "ISO 8601 time within 1677-2262")
    return stamps


def _only_strings(values: pd.Series) -> pd.Series:
    # pd.to_datetime reads numbers as epochs, and pandas 3 warns about that,
    # so any value that is not text is treated as invalid here.
    kind = pd.api.types.infer_dtype(values, skipna=True)
    if kind in ("string", "empty"):
        return values
    is_text = pd.Series([isinstance(v, str) for v in values], index=values.index)
    text: pd.Series = values.where(is_text)
    return text


def _strings(values: pd.Series, prop: Property) -> pd.Series:
    return values.astype("string")


def _objects(values: pd.Series, prop: Property) -> pd.Series:
    return _none_for_missing(values)


_CONVERTERS: dict[PropertyType, Callable[[pd.Series, Property], pd.Series]] = {
    PropertyType.NUMERIC: _numbers,
    PropertyType.CENTS: _numbers,
    PropertyType.FLAG: _flags,
    PropertyType.TIMESTAMP: _timestamps,
    PropertyType.STRING: _strings,
    PropertyType.EMAIL: _strings,
    PropertyType.URL: _strings,
    PropertyType.OBJECTS: _objects,
}


def _infer(values: pd.Series) -> pd.Series:
    """Give a field the table does not know a nullable dtype, if one fits."""
    # NOTE: the dtype follows the values of this batch, so the same unknown
    # field can get different dtypes in two frames (say Int64 and string).
    converted: pd.Series = values.convert_dtypes()
    if converted.dtype == object:
        return _none_for_missing(values)
    return converted


def _none_for_missing(values: pd.Series) -> pd.Series:
    # pd.DataFrame fills keys a record lacks with NaN, even in object columns.
    filled: pd.Series = values.astype(object).where(values.notna(), None)
    return filled


def _present(values: pd.Series) -> pd.Series:
    """Mark the values that carry data: not null and not an empty string."""
    return values.notna() & (values != "")


def _report_invalid(
    values: pd.Series, converted: pd.Series, name: str, expected: str
) -> None:
    # Only the positions that came out missing are inspected, so a column
    # without nulls costs one isna() call.
    missing = converted.isna().to_numpy()
    if not missing.any():
        return

    candidates = values[missing]
    originals = candidates[_present(candidates).to_numpy()]
    placeholders = originals.map(lambda v: str(v).startswith(_NO_TIME))
    originals = originals[~placeholders.to_numpy(dtype=bool)]
    if originals.empty:
        return

    example = str(originals.iloc[0])[:80]
    logger.warning(
        "column %s: %d value(s) are not a valid %s and were set to missing, "
        "such as %r; the records keep the values as received",
        name,
        len(originals),
        expected,
        example,
    )
