"""Every `record` behaves as the `dataclass(frozen=True)` it replaces (transfogen/records.py)."""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import pickle
import pkgutil

import pytest

import transfogen
from transfogen.records import record


def _records() -> list[type]:
    found = {}
    for module in pkgutil.walk_packages(transfogen.__path__, "transfogen."):
        if module.name.startswith(
            ("transfogen.__main__", "transfogen.cli", "transfogen.exports.export", "transfogen.living.publish")
        ):
            continue  # the commands and the heavy exports: no record there, and heavy imports
        for value in vars(importlib.import_module(module.name)).values():
            if isinstance(value, type) and "_record_compared" in value.__dict__:
                found[f"{value.__module__}.{value.__qualname__}"] = value
    return [found[name] for name in sorted(found)]


RECORDS = _records()


def _twin(cls: type) -> type:
    """The same class made by `dataclass(frozen=True)`."""
    specs = []
    for f in dataclasses.fields(cls):
        options = {"init": f.init, "repr": f.repr, "compare": f.compare, "hash": f.hash}
        if f.default is not dataclasses.MISSING:
            options["default"] = f.default
        if f.default_factory is not dataclasses.MISSING:
            options["default_factory"] = f.default_factory
        specs.append((f.name, f.type, dataclasses.field(**options)))
    twin = dataclasses.make_dataclass(cls.__name__, specs, frozen=True)
    twin.__qualname__ = cls.__qualname__
    return twin


def _arguments(cls: type, seed: str) -> dict:
    return {
        f.name: f"{seed}{index}"
        for index, f in enumerate(dataclasses.fields(cls))
        if f.init and f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    }


def _outcome(function):
    try:
        return function()
    except Exception as error:  # the same exception, with the same message, is the same behaviour
        return type(error).__name__, str(error)


def test_the_package_uses_records():
    names = {cls.__name__ for cls in RECORDS}
    assert {"Profile", "Programme", "Session", "Period", "ProgrammeRules", "Template", "CalendarFacts"} <= names


@pytest.mark.parametrize("cls", RECORDS, ids=lambda cls: cls.__qualname__)
def test_record_behaves_as_its_frozen_dataclass(cls):
    twin = _twin(cls)
    assert dataclasses.is_dataclass(cls)
    assert [(f.name, f.init, f.repr, f.compare, f.hash) for f in dataclasses.fields(cls)] == [
        (f.name, f.init, f.repr, f.compare, f.hash) for f in dataclasses.fields(twin)
    ]
    ours, theirs = inspect.signature(cls.__init__), inspect.signature(twin.__init__)
    assert [(p.name, p.kind, repr(p.default)) for p in ours.parameters.values()] == [
        (p.name, p.kind, repr(p.default)) for p in theirs.parameters.values()
    ]
    arguments = _arguments(cls, "a")
    one, same, theirs_one = cls(**arguments), cls(**arguments), twin(**arguments)
    assert repr(one) == repr(theirs_one)
    assert one == same
    assert _outcome(lambda: hash(one)) == _outcome(lambda: hash(theirs_one))
    assert one.__eq__(theirs_one) is NotImplemented  # another class is never equal
    assert dataclasses.asdict(one) == dataclasses.asdict(theirs_one)
    for f in dataclasses.fields(cls):
        assert _outcome(lambda name=f.name: setattr(one, name, 1)) == _outcome(
            lambda name=f.name: setattr(theirs_one, name, 1)
        )
        assert _outcome(lambda name=f.name: delattr(one, name)) == _outcome(
            lambda name=f.name: delattr(theirs_one, name)
        )
        if f.init:  # a field that differs: equal only if the field is not compared
            changed = dataclasses.replace(one, **{f.name: "autre"})
            assert (changed == one) == (twin(**{**arguments, f.name: "autre"}) == theirs_one)
    assert pickle.loads(pickle.dumps(one)) == one


def test_record_defaults_and_factories():
    @record
    class Sample:
        name: str
        count: int = 2
        tags: list = dataclasses.field(default_factory=list)
        note: str = dataclasses.field(default="", compare=False, repr=False)

    first, second = Sample("a"), Sample("a", note="autre")
    assert first == second  # note is not compared
    assert first.tags == [] and first.tags is not Sample("b").tags  # a new list for each record
    assert repr(first) == "test_record_defaults_and_factories.<locals>.Sample(name='a', count=2, tags=[])"
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.name = "b"
    with pytest.raises(TypeError):
        Sample()


def test_record_refuses_a_method_it_would_write():
    with pytest.raises(TypeError, match="__eq__"):

        @record
        class Sample:
            name: str

            def __eq__(self, other):
                return True
