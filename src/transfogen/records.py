"""`record`: the classes `@dataclass(frozen=True)` makes, for a fraction of its start-up cost.

Python 3.11's dataclass writes the source of six methods for every class (`__init__`, `__repr__`,
`__eq__`, `__hash__`, `__setattr__`, `__delattr__`) and compiles it: about 0.6 ms a class, 30 ms of
`transfogen calendar`'s start-up for its 46 classes. `record` lets `dataclass` collect the fields (it
writes no method then), compiles only `__init__` (the one a program calls often) and gives the class
five shared methods that read its field names. What they return is what dataclass's would: the same
text, equality, hash and `FrozenInstanceError`; `fields`, `replace` and `asdict` work as on any
dataclass. tests/test_records.py checks every record against its `dataclass(frozen=True)` twin.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import MISSING, FrozenInstanceError, dataclass, fields
from operator import attrgetter
from typing import Any, TypeVar, dataclass_transform

T = TypeVar("T", bound=type)

_METHODS = ("__init__", "__repr__", "__eq__", "__hash__", "__setattr__", "__delattr__")


@dataclass_transform(frozen_default=True)
def record(cls: T) -> T:
    """Decorate a class as `@dataclass(frozen=True)` would (fields, defaults, `field(...)` options)."""
    written = [method for method in _METHODS if method in cls.__dict__]
    if written:
        raise TypeError(f"{cls.__name__} : un record n'écrit pas lui-même {', '.join(written)}")
    documented = bool(cls.__doc__)
    if not documented:
        cls.__doc__ = cls.__name__  # dataclass would ask `inspect` for a signature: set below, cheaply
    dataclass(cls, init=False, repr=False, eq=False)  # in place: the fields, no method
    own = fields(cls)
    namespace: dict[str, Any] = {"_set": object.__setattr__, "_FACTORY": _FACTORY}
    parameters, assignments = [], []
    for f in own:
        if f.kw_only:
            raise TypeError(f"{cls.__name__}.{f.name} : un record n'a pas de champ kw_only")
        if f.default_factory is not MISSING:
            namespace[f"_factory_{f.name}"] = f.default_factory
            made = f"_factory_{f.name}()"
            value = f"{made} if {f.name} is _FACTORY else {f.name}" if f.init else made
            parameters.append(f"{f.name}=_FACTORY")
        else:
            if f.default is not MISSING:
                namespace[f"_default_{f.name}"] = f.default
            value = f.name if f.init else f"_default_{f.name}"
            parameters.append(f"{f.name}=_default_{f.name}" if f.default is not MISSING else f.name)
        if not f.init:
            parameters.pop()
        if f.init or f.default is not MISSING or f.default_factory is not MISSING:
            assignments.append(f"    _set(self, {f.name!r}, {value})\n")
    if hasattr(cls, "__post_init__"):
        assignments.append("    self.__post_init__()\n")
    source = f"def __init__(self, {', '.join(parameters)}):\n{''.join(assignments) or '    pass'}"
    exec(source, namespace)  # noqa: S102 -- made above from the class's own field names, nothing else
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    cls.__init__ = init  # type: ignore[misc]
    cls._record_shown = tuple(f.name for f in own if f.repr)  # type: ignore[attr-defined]
    cls._record_compared = staticmethod(_values([f.name for f in own if f.compare]))  # type: ignore[attr-defined]
    hashed = [f.name for f in own if (f.compare if f.hash is None else f.hash)]
    cls._record_hashed = staticmethod(_values(hashed))  # type: ignore[attr-defined]
    for name, method in _SHARED.items():
        setattr(cls, name, method)
    if not documented:
        cls.__doc__ = f"{cls.__name__}({', '.join(f.name for f in own if f.init)})"
    return cls


class _Factory:
    """The default of a parameter whose field has a default factory (shown as dataclass shows it)."""

    def __repr__(self) -> str:
        return "<factory>"


_FACTORY = _Factory()


def _values(names: list[str]) -> Callable[[Any], tuple]:
    """The tuple of these attributes' values, as dataclass's methods build it."""
    if not names:
        return lambda _: ()
    get = attrgetter(*names)
    return get if len(names) > 1 else lambda obj: (get(obj),)


def _repr(self) -> str:
    shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._record_shown)
    return f"{self.__class__.__qualname__}({shown})"


def _eq(self, other):
    if other.__class__ is self.__class__:
        return self._record_compared(self) == other._record_compared(other)
    return NotImplemented


def _hash(self) -> int:
    return hash(self._record_hashed(self))


def _setattr(self, name: str, value: Any) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _delattr(self, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field {name!r}")


_SHARED = {"__repr__": _repr, "__eq__": _eq, "__hash__": _hash, "__setattr__": _setattr, "__delattr__": _delattr}
