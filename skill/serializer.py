"""The ask-sdk serializer, compiled once per type instead of interpreted for every value.

For each value the SDK walks its type string again (regular expressions for `list[...]` and
`dict(...)`, a class imported by name, `hasattr` probes, an attribute map rebuilt per object) and
parses timestamps with dateutil's general parser: that was the largest CPU cost of a request.
Here each type string becomes, once, a function doing what the SDK does for it, and serialising
dispatches once per Python type.

Equivalence holds by construction: a compiled function takes its fast path only when the value
has exactly the shape it expects (`type(v) is str` for 'str', `type(v) is dict` for a model...).
Anything else goes to the SDK's own code for that value, so odd payloads get the SDK's results
and the SDK's exceptions. Classes the compiled code could not mirror exactly (hooks on attribute
access, descriptors, a partial or many-to-one attribute map) are left to the SDK entirely.
"""

from __future__ import annotations

import copy
import decimal
import re
from collections.abc import Callable
from datetime import date, datetime
from enum import Enum
from typing import Any, TypeGuard

import orjson
from ask_sdk_core.exceptions import SerializationException
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model.session import Session

Reader = Callable[[Any], Any]
Writer = Callable[[Any], Any]
Field = tuple[str, str, type, Reader]  # attribute, JSON key, type taken as is, reader
Plan = tuple[tuple[Field, ...], frozenset[str]]  # fields, and the JSON keys they read

# The SDK's own patterns for container type strings (ask_sdk_core/serialize.py).
_LIST_TYPE = re.compile(r"list\[(.*)\]")
_DICT_TYPE = re.compile(r"dict\(([^,]*), (.*)\)")

# Timestamps as Alexa sends them. Only these go to fromisoformat: on them it agrees with the
# SDK's dateutil parser, while it also accepts what the SDK rejects (week dates like "2020-W01",
# offsets with seconds, any character between date and time).
_ALEXA_TIMESTAMP = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:\d{2})?)?", re.ASCII
)

# Values the SDK returns unchanged, taken inline by writers (no call per string).
_SCALARS = frozenset({str, int, float, bool, type(None)})

# Declared types whose SDK conversion returns a value of exactly that type as it is.
_EXACT: dict[str, type] = {"str": str, "int": int, "long": int, "float": float, "bool": bool}

# orjson would convert these silently (a str subclass to str, a dataclass to a dict...): refuse.
_COPY_OPTIONS = (
    orjson.OPT_PASSTHROUGH_SUBCLASS
    | orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_DATACLASS
)

_UNSEEN: Any = object()


class SessionAttributes(dict[str, Any]):
    """The session attributes of a request: a dict whose deep copy is a JSON round trip.

    ask-sdk's AttributesManager deep-copies the session attributes on every request, and
    `copy.deepcopy` of a JSON tree in Python was about a tenth of a request's cost. Attributes
    arrive as JSON, so an orjson round trip (in C) is an exact copy of plain dicts and lists.
    The copy is checked equal to the original; anything orjson refuses or would change (integers
    beyond 64 bits, non-str keys, NaN, tuples, objects) takes the ordinary deepcopy. One change
    escapes that check: an Enum member equal to its value (a str or int Enum) is copied as the
    value. JSON cannot carry one, so only code storing one before the copy could notice.
    """

    __slots__ = ()

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, Any]:
        try:
            copied: dict[str, Any] = orjson.loads(orjson.dumps(dict(self), option=_COPY_OPTIONS))
        except orjson.JSONEncodeError:
            return self._python_deepcopy(memo)
        return copied if copied == self else self._python_deepcopy(memo)

    def _python_deepcopy(self, memo: dict[int, Any]) -> dict[str, Any]:
        """`copy.deepcopy(dict(self), memo)`, registered under our own id first so that
        attributes containing themselves are copied as a plain dict containing itself."""
        result: dict[Any, Any] = {}
        memo[id(self)] = result
        for key, value in self.items():
            result[copy.deepcopy(key, memo)] = copy.deepcopy(value, memo)
        return result


def _same(value: Any) -> Any:
    """The SDK's treatment of 'object', scalars when serialising: the value itself."""
    return value


def _isoformat(value: date) -> str:
    return value.isoformat()


def _enum_value(value: Enum) -> Any:
    return value.value


class _Never:
    """No JSON value has this type: fields declared so always go through their reader."""


def _session_attributes(read: Reader) -> Reader:
    """Wrap the reader of `Session.attributes` so that its dict is a `SessionAttributes`."""

    def read_attributes(payload: Any) -> Any:
        result = read(payload)
        return SessionAttributes(result) if type(result) is dict else result

    return read_attributes


def _is_model(cls: Any) -> TypeGuard[type]:
    """Whether the compiled code mirrors the SDK exactly for `cls`: a plain class whose
    `attribute_map` is complete enough and one-to-one, and no hook on attribute access."""
    if not isinstance(cls, type) or issubclass(cls, Enum) or not _plain_class(cls):
        return False
    types = getattr(cls, "deserialized_types", None)
    names = getattr(cls, "attribute_map", {})
    if type(types) is not dict or type(names) is not dict or not set(names) <= set(types):
        return False
    keys = [names.get(attr, attr) for attr in types]
    if not all(type(name) is str for name in (*types, *keys)) or len(set(keys)) != len(keys):
        return False
    return not any(_is_descriptor(cls, attr) for attr in types)


def _is_same(found: object, default: object) -> bool:
    """Identity of two slots mypy types apart (a class's method and object's own)."""
    return found is default


def _plain_class(cls: type) -> bool:
    """`cls()` makes a `cls` with a __dict__, and getattr/setattr go straight to it."""
    return (
        cls.__dictoffset__ != 0
        and type(cls).__call__ is type.__call__
        and _is_same(cls.__new__, object.__new__)
        and _is_same(cls.__getattribute__, object.__getattribute__)
        and _is_same(cls.__setattr__, object.__setattr__)
        and not hasattr(cls, "__getattr__")
    )


def _is_descriptor(cls: type, attr: str) -> bool:
    """A class attribute that would intercept an instance attribute of that name."""
    for klass in cls.__mro__:
        if attr in vars(klass):
            kind = type(vars(klass)[attr])
            return hasattr(kind, "__set__") or hasattr(kind, "__delete__")
    return False


def _true_class(kind: type) -> bool:
    """`isinstance(obj, X)` means `issubclass(type(obj), X)`: no class fakes `__class__`."""
    return all("__class__" not in vars(klass) for klass in kind.__mro__[:-1])


def _json_keys(cls: type) -> dict[str, str]:
    """Attribute -> JSON key in the SDK's order: the attribute map completed as the SDK completes
    it (attributes it lacks keep their own names). Unlike the SDK, the class is not changed."""
    names: dict[str, str] = dict(getattr(cls, "attribute_map", {}))
    types: dict[str, str] = cls.deserialized_types  # type: ignore[attr-defined]
    names.update({attr: attr for attr in types if attr not in names})
    return names


class FastSerializer(DefaultSerializer):
    """`DefaultSerializer` with compiled readers and writers: the SDK's results, sooner."""

    def __init__(self) -> None:
        super().__init__()
        self._classes: dict[str, Any] = {}
        self._readers: dict[Any, Reader] = {}
        self._builders: dict[type, Reader] = {}
        self._writers: dict[type, Writer] = {}
        self._sdk_read: Callable[[Any, Any], Any] = self._DefaultSerializer__deserialize  # type: ignore[attr-defined]
        self._sdk_write: Writer = super().serialize

    # -- the SDK's own steps, made cheaper -------------------------------------------------------

    def _DefaultSerializer__load_class_from_name(self, class_name: str) -> Any:
        """Import each class by name once, not once per object."""
        found = self._classes.get(class_name)
        if found is None:
            found = super()._DefaultSerializer__load_class_from_name(class_name)  # type: ignore[misc]
            self._classes[class_name] = found
        return found

    def _DefaultSerializer__deserialize_datetime(self, payload: Any, obj_type: Any) -> Any:
        """Alexa's timestamps with fromisoformat; anything else with the SDK's dateutil."""
        if type(payload) is str and _ALEXA_TIMESTAMP.fullmatch(payload) is not None:
            try:
                parsed = datetime.fromisoformat(payload.replace("Z", "+00:00"))
            except ValueError:  # out of range (month 13...): the SDK words the error
                pass
            else:
                return parsed.date() if obj_type is date else parsed
        return super()._DefaultSerializer__deserialize_datetime(payload, obj_type)  # type: ignore[misc]

    # -- deserialising ---------------------------------------------------------------------------

    def deserialize_data(self, data: Any, obj_type: Any) -> Any:
        """Like `deserialize`, from already-decoded JSON; `obj_type` is a class or type string."""
        if not isinstance(obj_type, (str, type)):
            return self._sdk_read(data, obj_type)
        read = self._readers.get(obj_type)
        return (read or self._reader(obj_type))(data)

    def _reader(self, obj_type: Any) -> Reader:
        """The reader for a class or type string, compiled on first use."""
        read = self._readers.get(obj_type)
        if read is None:
            read = self._readers[obj_type] = self._compile(obj_type)
        return read

    def _compile(self, obj_type: Any) -> Reader:
        """Resolve a type as `__deserialize` does, then compile for what it names."""
        if not isinstance(obj_type, str):
            return self._class_reader(obj_type, obj_type)
        if obj_type.startswith("list["):
            return self._list_reader(obj_type)
        if obj_type.startswith("dict("):
            return self._dict_reader(obj_type)
        if obj_type in self.NATIVE_TYPES_MAPPING:
            return self._class_reader(self.NATIVE_TYPES_MAPPING[obj_type], obj_type)
        try:
            target = self._DefaultSerializer__load_class_from_name(obj_type)
        except SerializationException:  # the SDK raises it for each value that arrives
            return self._delegate(obj_type)
        return self._class_reader(target, obj_type)

    def _delegate(self, obj_type: Any) -> Reader:
        """A reader leaving every value to the SDK."""
        sdk_read = self._sdk_read

        def read_by_sdk(payload: Any) -> Any:
            return sdk_read(payload, obj_type)

        return read_by_sdk

    def _list_reader(self, obj_type: str) -> Reader:
        match = _LIST_TYPE.match(obj_type)
        if match is None or "," in match.group(1):  # `[]` whatever came, or zipped item types
            return self._delegate(obj_type)
        item, sdk_read = self._reader(match.group(1).strip()), self._sdk_read

        def read_list(payload: Any) -> Any:
            if type(payload) is not list:
                return sdk_read(payload, obj_type)
            return [item(value) for value in payload]

        return read_list

    def _dict_reader(self, obj_type: str) -> Reader:
        match = _DICT_TYPE.match(obj_type)
        if match is None:  # `{}` whatever came
            return self._delegate(obj_type)
        item, sdk_read = self._reader(match.group(2)), self._sdk_read

        def read_dict(payload: Any) -> Any:
            if type(payload) is not dict:
                return sdk_read(payload, obj_type)
            if item is _same:
                return dict(payload)
            return {key: item(value) for key, value in payload.items()}

        return read_dict

    def _class_reader(self, target: Any, obj_type: Any) -> Reader:
        """The reader for a resolved type, tested in the order `__deserialize` tests it."""
        if target in self.PRIMITIVE_TYPES:
            return self._exact_reader(target, obj_type)
        if target == object:  # noqa: E721  (the SDK's own test, kept as it is)
            return _same
        if target == date or target == datetime:  # noqa: SIM109
            return self._datetime_reader(target, obj_type)
        if isinstance(target, type) and issubclass(target, Enum):
            return self._enum_reader(target, obj_type)
        if not _is_model(target):
            return self._delegate(obj_type)
        if hasattr(target, "get_real_child_model"):
            return self._polymorphic_reader(target, obj_type)
        return self._model_reader(target, obj_type)

    def _exact_reader(self, target: type, obj_type: Any) -> Reader:
        """A primitive: the SDK's `target(payload)` returns a `target` as it is; coercions,
        TypeError (the raw payload) and ValueError (an exception) are the SDK's."""
        sdk_read = self._sdk_read

        def read_exact(payload: Any) -> Any:
            return payload if type(payload) is target else sdk_read(payload, obj_type)

        return read_exact

    def _datetime_reader(self, target: type, obj_type: Any) -> Reader:
        sdk_read, parse = self._sdk_read, self._DefaultSerializer__deserialize_datetime

        def read_datetime(payload: Any) -> Any:
            return parse(payload, target) if type(payload) is str else sdk_read(payload, obj_type)

        return read_datetime

    def _enum_reader(self, target: type[Enum], obj_type: Any) -> Reader:
        """A value the enum has is its member; the SDK words the error for anything else."""
        members = {m.value: m for m in target.__members__.values() if type(m.value) is str}
        sdk_read = self._sdk_read

        def read_enum(payload: Any) -> Any:
            found = members.get(payload) if type(payload) is str else None
            return found if found is not None else sdk_read(payload, obj_type)

        return read_enum

    def _model_reader(self, cls: type, obj_type: Any) -> Reader:
        build, sdk_read = self._builder(cls), self._sdk_read

        def read_model(payload: Any) -> Any:
            return build(payload) if type(payload) is dict else sdk_read(payload, obj_type)

        return read_model

    def _polymorphic_reader(self, cls: type, obj_type: Any) -> Reader:
        """The subclass comes from the class's own `get_real_child_model`, as in the SDK; a
        missing, odd or unknown discriminator goes to the SDK, which reports it."""
        children: dict[str, Reader | None] = {}
        child_name, sdk_read = cls.get_real_child_model, self._sdk_read  # type: ignore[attr-defined]

        def read_polymorphic(payload: Any) -> Any:
            if type(payload) is dict:
                try:
                    name = child_name(payload)
                except Exception:  # no discriminator, or an unhashable one
                    name = None
                build = children.get(name, _UNSEEN) if type(name) is str else None
                if build is _UNSEEN:
                    build = children[name] = self._child_builder(name)
                if build is not None:
                    return build(payload)
            return sdk_read(payload, obj_type)

        return read_polymorphic

    def _child_builder(self, name: str) -> Reader | None:
        """The builder of the subclass a discriminator names, or None to leave the value to the
        SDK (an empty name, a class that does not load, a class we do not mirror)."""
        try:
            target = self._DefaultSerializer__load_class_from_name(name) if name else None
        except SerializationException:
            return None
        return self._builder(target) if _is_model(target) else None

    def _builder(self, cls: type) -> Reader:
        """Build a `cls` from a dict as `__deserialize_model` does once the class is chosen:
        `cls()`, each attribute present converted, then unknown keys set raw; any error becomes
        a SerializationException with the same message."""
        build = self._builders.get(cls)
        if build is None:
            build = self._builders[cls] = self._build_function(cls)
        return build

    def _build_function(self, cls: type) -> Reader:
        plan: list[Plan] = []  # compiled on first use, published whole (threads may race)

        def build(payload: dict[str, Any]) -> Any:
            fields, known = plan[0] if plan else self._plan(cls, plan)
            try:
                model = cls()
                own = model.__dict__  # _is_model: setattr would store exactly here
                present = 0
                for attr, key, exact, read in fields:
                    if key in payload:
                        value = payload[key]
                        own[attr] = value if type(value) is exact else read(value)
                        present += 1
                if present != len(payload):
                    for key in payload:
                        if key not in known:
                            setattr(model, key, payload[key])
            except Exception as error:
                raise SerializationException(str(error)) from error
            return model

        return build

    def _plan(self, cls: type, plan: list[Plan]) -> Plan:
        """A model's attributes and JSON keys, compiled when it first arrives: models refer to
        each other, some to themselves, and most are never sent. Two threads may both compile
        it; both plans are the same, and each is complete before it is published."""
        types: dict[str, str] = cls.deserialized_types  # type: ignore[attr-defined]
        fields: list[Field] = []
        for attr, key in _json_keys(cls).items():
            read = self._reader(types[attr])
            if cls is Session and attr == "attributes":
                read = _session_attributes(read)
            fields.append((attr, key, _EXACT.get(types[attr], _Never), read))
        compiled = (tuple(fields), frozenset(key for _, key, _, _ in fields))
        plan.append(compiled)
        return compiled

    # -- serialising -----------------------------------------------------------------------------

    def serialize(self, obj: Any) -> Any:
        """`DefaultSerializer.serialize`, with its chain of tests decided once per type."""
        return (self._writers.get(type(obj)) or self._writer(type(obj)))(obj)

    def _writer(self, kind: type) -> Writer:
        write = self._writers[kind] = self._compile_writer(kind)
        return write

    def _compile_writer(self, kind: type) -> Writer:
        """The SDK's isinstance chain, in its order, for one type."""
        if kind is type(None) or issubclass(kind, self.PRIMITIVE_TYPES):
            return _same if _true_class(kind) else self._sdk_write
        if not _true_class(kind) or issubclass(kind, (tuple, decimal.Decimal)):
            return self._sdk_write
        if issubclass(kind, list):
            return self._list_writer()
        if issubclass(kind, (datetime, date)):
            return _isoformat
        if issubclass(kind, Enum):
            return _enum_value
        if issubclass(kind, dict):
            return self._dict_writer(kind)
        return self._model_writer(kind) if _is_model(kind) else self._sdk_write

    def _list_writer(self) -> Writer:
        serialize = self.serialize

        def write_list(obj: list[Any]) -> list[Any]:
            return [v if type(v) in _SCALARS else serialize(v) for v in obj]

        return write_list

    def _dict_writer(self, kind: type) -> Writer:
        """A copy with the values that are not scalars serialised, in order; a subclass (whose
        copy could differ from its `items()`) gets the SDK's comprehension."""
        serialize = self.serialize

        def write_dict(obj: dict[Any, Any]) -> dict[Any, Any]:
            out = obj.copy()
            for key, value in obj.items():
                if type(value) not in _SCALARS:
                    out[key] = serialize(value)
            return out

        def write_dict_subclass(obj: dict[Any, Any]) -> dict[Any, Any]:
            return {k: v if type(v) in _SCALARS else serialize(v) for k, v in obj.items()}

        return write_dict if kind is dict else write_dict_subclass

    def _model_writer(self, kind: type) -> Writer:
        """Attributes that are not None, in `deserialized_types` order, under their JSON keys.
        All are read before any is serialised, as in the SDK; one missing from the instance
        (getattr would look on the class) or an instance with its own `attribute_map` or
        `deserialized_types` (a request can set any attribute) goes to the SDK."""
        keys = _json_keys(kind)
        pairs = [(attr, keys[attr]) for attr in kind.deserialized_types]  # type: ignore[attr-defined]
        serialize, sdk_write = self.serialize, self._sdk_write

        def write_model(obj: Any) -> Any:
            own = obj.__dict__
            if "attribute_map" in own or "deserialized_types" in own:
                return sdk_write(obj)
            out = {}
            nested = []
            try:
                for attr, key in pairs:
                    value = own[attr]
                    if value is not None:
                        out[key] = value
                        if type(value) not in _SCALARS:
                            nested.append(key)
            except KeyError:
                return sdk_write(obj)
            for key in nested:
                out[key] = serialize(out[key])
            return out

        return write_model
