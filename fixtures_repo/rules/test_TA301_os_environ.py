"""Direct environment access.

Business Value Justification (BVJ):
- Segment: Platform/Internal
- Business Goal: Stability
- Value Impact: isolated tests do not leak environment state
- Strategic Impact: reproducible CI
"""
import contextlib
import os
import os as operating_system
from os import environ  # expect: TA301
from os import getenv as read_var
from unittest import mock

import pytest

from app.config.env import read_env


def test_reads_environ():
    assert os.environ.get("DATABASE_URL")  # expect: TA301
    assert os.environ["HOME"]  # expect: TA301
    assert "PATH" in os.environ  # expect: TA301


def test_writes_environ():  # expect: TA801
    os.environ["MODE"] = "test"  # expect: TA301
    del os.environ["MODE"]  # expect: TA301
    operating_system.environ.setdefault("A", "b")  # expect: TA301
    os.putenv("X", "1")  # expect: TA301


def test_getenv_alias():
    assert read_var("TIMEOUT", "5") == "5"  # expect: TA301


def test_patch_dict_string_form():
    with mock.patch.dict("os.environ", {"MODE": "test"}):  # expect: TA301
        assert read_env("MODE") == "test"


def test_compliant_look_alikes():
    # os.path, os.getcwd and a variable called environ are not environment access
    assert os.path.join("a", "b") == "a/b"
    assert os.getcwd()
    environ_name = "production"
    assert environ_name
    assert read_env("HOME")
    text = "set os.environ in the shell"  # prose in a string, not the "os.environ" form
    assert text


def test_monkeypatch_spelt_out(monkeypatch):
    # restored after the test, like monkeypatch.setenv: not direct access
    monkeypatch.setitem(os.environ, "MODE", "test")
    monkeypatch.delitem(os.environ, "DEBUG", raising=False)
    assert read_env("MODE") == "test"


def test_other_patching_of_the_environment():
    with mock.patch.dict(os.environ, {"MODE": "test"}):  # expect: TA301
        assert read_env("MODE")


@pytest.fixture(autouse=True)
def clean_environment():
    # the isolation this rule asks for, spelt out: save, clear, put back
    saved = os.environ.copy()
    os.environ.clear()
    yield
    os.environ.clear()
    os.environ.update(saved)


def test_writes_without_putting_back(settings):
    os.environ.update(settings)  # expect: TA301
    assert read_env("MODE")


def test_saves_and_restores_itself():
    saved = dict(os.environ)  # expect: TA301
    try:
        os.environ["MODE"] = "minimal"  # expect: TA301
        assert read_env("MODE")
    finally:
        os.environ.update(saved)  # expect: TA301


def test_environment_replaced_by_monkeypatch(monkeypatch):
    # replaced for the test and restored after it, like monkeypatch.setenv
    monkeypatch.setattr("os.environ", {"SETTINGS": "missing.cfg"})
    assert read_env("SETTINGS") == "missing.cfg"
    monkeypatch.setattr(os, "environ", {})
    assert read_env("SETTINGS") is None


def test_keys_restored_by_monkeypatch(monkeypatch):
    for key in ("FOO", "BAR"):
        monkeypatch._setitem.append((os.environ, key, pytest.MonkeyPatch.notset))
    assert "FOO" not in os.environ  # expect: TA301


@pytest.fixture
def clean_flask_env(monkeypatch):
    records = ((os.environ, "APP", monkeypatch.notset), (os.environ, "DEBUG", monkeypatch.notset))
    monkeypatch._setitem.extend(records)
    yield
    os.environ["APP"] = "leaked"  # expect: TA301


@pytest.fixture
def patched_environ(request):
    # sets one variable and puts the previous value back: an isolation fixture
    previous = os.environ.get("SETTINGS_MODULE")
    os.environ["SETTINGS_MODULE"] = request.param
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("SETTINGS_MODULE", None)
        else:
            os.environ["SETTINGS_MODULE"] = previous


@pytest.fixture
def leaky_environ():
    os.environ["SETTINGS_MODULE"] = "proj.settings"  # expect: TA301
    try:
        yield
    finally:
        print("done")


@contextlib.contextmanager
def temporary_env(**values):
    saved = os.environ.copy()  # saved, changed and put back: a `with` block's isolation
    try:
        os.environ.update(values)
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@contextlib.contextmanager
def env_set_for_good(**values):
    os.environ.update(values)  # expect: TA301
    yield


def test_settings_under_a_temporary_env():
    with temporary_env(SETTINGS_MODULE="proj.settings"):
        assert read_env("SETTINGS_MODULE") == "proj.settings"
