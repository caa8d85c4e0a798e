"""What every generated model of :mod:`genesys_presence.models` shares.

A model reads the API's JSON (``from_wire``) and writes it back (``to_wire``),
keeping the fields it does not know so that nothing a newer server sent is lost
on the way back. ``to_dict()`` and ``to_json()`` give what the official SDK's
models give: snake_case keys, every field (``None`` when unset), date-times as
``datetime`` (ISO-8601 text in ``to_json``). The per-field code is generated
(``tools/generators/python_models.py``): these are the conversions it calls.
"""

from __future__ import annotations

import datetime as _datetime
from typing import Any, ClassVar, Dict, List, Mapping, Optional, Tuple, Type

from .errors import DecodeError, InvalidArgumentError

_UTC = _datetime.timezone.utc


class InvalidTypeError(InvalidArgumentError, TypeError):
    """A model field, body or parameter of the wrong type; nothing was sent."""


class Model:
    """The base of every model: equality, ``repr``, ``to_dict``, ``to_json``."""

    __slots__ = ("_unknown",)

    #: (attribute, JSON name) of each field, in the API's order.
    _fields: ClassVar[Tuple[Tuple[str, str], ...]] = ()

    _unknown: Optional[Dict[str, Any]]

    def to_wire(self) -> Dict[str, Any]:
        """The API's JSON object (written for each model by the generator)."""
        raise NotImplementedError

    @property
    def unknown_fields(self) -> Dict[str, Any]:
        """The fields of the API's JSON this model does not know, under their JSON
        names, as they came (sent back by ``to_wire``)."""
        if self._unknown is None:
            self._unknown = {}
        return self._unknown

    def to_dict(self) -> Dict[str, Any]:
        """Every field under its attribute name (``None`` when unset), nested
        models as dicts: the official SDK's ``to_dict()``."""
        return {attribute: _plain(getattr(self, attribute)) for attribute, _ in self._fields}

    def to_json(self) -> str:
        """``to_dict()`` as JSON, date-times in ISO-8601: the official SDK's ``to_json()``.
        For the API's own JSON, use ``json.dumps(model.to_wire())``."""
        import json  # here: it costs more to import than the rest of this module

        return json.dumps(_iso(self.to_dict()))

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return all(
            getattr(self, attribute) == getattr(other, attribute) for attribute, _ in self._fields
        ) and (self._unknown or {}) == (other._unknown or {})

    __hash__ = None  # type: ignore[assignment]  # mutable, as the SDK's

    def __repr__(self) -> str:
        shown = [
            f"{attribute}={value!r}"
            for attribute, _ in self._fields
            if (value := getattr(self, attribute)) is not None
        ]
        if self._unknown:
            shown.append(f"unknown_fields={self._unknown!r}")
        return f"{type(self).__name__}({', '.join(shown)})"


def unknown(wire: Mapping[str, Any], known: frozenset) -> Dict[str, Any]:  # type: ignore[type-arg]
    """The fields of `wire` whose names are not in `known`."""
    return {name: value for name, value in wire.items() if name not in known}


def _plain(value: Any) -> Any:
    if isinstance(value, Model):
        return value.to_dict()
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


def _iso(value: Any) -> Any:
    if isinstance(value, (_datetime.datetime, _datetime.date)):
        return value.isoformat()
    if isinstance(value, list):
        return [_iso(item) for item in value]
    if isinstance(value, dict):
        return {key: _iso(item) for key, item in value.items()}
    return value


# -- from the API's JSON ------------------------------------------------------------


_fromisoformat = _datetime.datetime.fromisoformat


def read_datetime(text: Any, where: str) -> _datetime.datetime:
    """An ISO-8601 date-time of the API (``2026-12-07T06:30:00.123Z``), timezone-aware
    (one without an offset is taken as UTC)."""
    try:
        value = _fromisoformat(text)  # Python 3.11 on: any ISO-8601 form, "Z" included
    except (TypeError, ValueError):
        value = None
        if isinstance(text, str) and text.endswith(("Z", "z")):
            # Python < 3.11 takes neither "Z" nor a fraction other than 3 or 6 digits.
            try:
                value = _fromisoformat(text[:-1] + "+00:00")
            except ValueError:
                pass
    if value is None:
        raise DecodeError(f"{where}: not an ISO-8601 date-time: {text!r}")
    return value if value.tzinfo is not None else value.replace(tzinfo=_UTC)


def read_date(text: Any, where: str) -> _datetime.date:
    """An ISO-8601 date of the API (``2026-12-07``)."""
    if isinstance(text, str):
        try:
            return _datetime.date.fromisoformat(text)
        except ValueError:
            pass
    raise DecodeError(f"{where}: not an ISO-8601 date: {text!r}")


# -- to the API's JSON: each checks the type first ----------------------------------


def _wrong(value: Any, where: str, expected: str) -> InvalidTypeError:
    return InvalidTypeError(f"{where}: expected {expected}, got {type(value).__name__} {value!r}")


def write_str(value: Any, where: str) -> str:
    if isinstance(value, str):
        return value
    raise _wrong(value, where, "a str")


def write_int(value: Any, where: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise _wrong(value, where, "an int")


def write_float(value: Any, where: str) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    raise _wrong(value, where, "a float")


def write_bool(value: Any, where: str) -> bool:
    if isinstance(value, bool):
        return value
    raise _wrong(value, where, "a bool")


def write_datetime(value: Any, where: str) -> str:
    """The API's form: UTC, milliseconds, ``Z``."""
    if not isinstance(value, _datetime.datetime):
        raise _wrong(value, where, "a timezone-aware datetime")
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidArgumentError(
            f"{where}: the datetime {value!r} has no timezone; give one "
            "(e.g. datetime.now(timezone.utc)) so that the API reads the instant you mean"
        )
    return value.astimezone(_UTC).isoformat(timespec="milliseconds")[:-6] + "Z"


def write_date(value: Any, where: str) -> str:
    if isinstance(value, _datetime.date) and not isinstance(value, _datetime.datetime):
        return value.isoformat()
    raise _wrong(value, where, "a date")


def write_model(value: Any, where: str, model: Type[Model]) -> Dict[str, Any]:
    if isinstance(value, model):
        return value.to_wire()
    article = "an" if model.__name__[0] in "AEIOU" else "a"
    raise _wrong(value, where, f"{article} {model.__name__}")


def write_list(value: Any, where: str) -> List[Any]:
    if isinstance(value, (list, tuple)):
        return list(value)
    raise _wrong(value, where, "a list")


def write_dict(value: Any, where: str) -> Dict[str, Any]:
    if isinstance(value, Mapping) and all(isinstance(key, str) for key in value):
        return dict(value)
    raise _wrong(value, where, "a dict with str keys")
