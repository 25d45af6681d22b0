"""Tests that cannot fail: no assertion in the test or the same-module helpers it calls.

Business Value Justification (BVJ):
- Segment: Platform/Internal
- Business Goal: Stability
- Value Impact: a green test means the behaviour was checked
- Strategic Impact: honest test counts
"""
import abc
import subprocess
import sys
import unittest

import pytest
from botocore.stub import Stubber

from app.checks import assert_that, contract_holds
from test_framework.ssot.base_test_case import SSotBaseTestCase


def test_create_user_prints_response(client):  # expect: TA801
    response = client.post("/users", json={"name": "ada"})
    print(f" PASS:  user created - {response.status_code}")


def test_pipeline_reaches_the_end(pipeline):
    pipeline.run()
    assert True  # expect: TA801


def test_trivial_assertions(result):
    assert 1  # expect: TA801
    assert result or True  # expect: TA801
    assert (result, "result must be set")  # expect: TA801
    assert not None  # expect: TA801


def test_vacuous_branch_beside_a_real_check(bridge):
    kinds = {type(bridge.notify()), type(bridge.notify(adapter=None))}
    if len(kinds) > 1:
        assert True, "the conflict is reproduced"  # a marker: the else branch is the check
    else:
        assert False, "the bridge returns one type: no conflict to show"


def test_offline_marker_after_a_real_check(client, offline_errors):
    try:
        assert client.get("/threads").status_code in (401, 403)
    except offline_errors:
        assert True  # service offline: the check above is what counts


def test_assertion_swallowed_by_its_handler(client, logger):
    try:
        assert client.get("/health").status_code == 200
    except Exception as exc:
        logger.info(f"health check skipped: {exc}")
        assert True  # expect: TA801


def test_handler_fails_the_test_itself(client):
    try:
        assert client.get("/health").status_code == 200
    except Exception as exc:
        pytest.fail(f"health endpoint unreachable: {exc}")


def test_handler_catches_only_connection_errors(client, logger):
    try:
        assert client.get("/health").status_code == 200
    except ConnectionError as exc:
        logger.info(f"offline: {exc}")


def test_errors_are_only_logged(service, logger):  # expect: TA801
    try:
        service.sync()
    except Exception as exc:
        logger.warning(f"sync failed: {exc}")


def _log_health(client):
    return client.get("/health")


def test_helper_without_assertion(client):  # expect: TA801
    _log_health(client)


def _ping_a(client, depth):
    return _ping_b(client, depth - 1) if depth else None


def _ping_b(client, depth):
    return _ping_a(client, depth)


def test_recursive_helpers_without_assertion(client):  # expect: TA801
    _ping_a(client, 3)


def _user_is_active(user):
    assert user.active


def _user_is_active(user):  # redefined: the later definition is the one tests call
    return user.active


def test_redefined_helper_lost_its_assertion(user):  # expect: TA801
    _user_is_active(user)


def test_placeholder():  # expect: TA801
    """TODO: write this test."""


# -- look-alikes that assert -------------------------------------------------------------------
def _check_status(response, expected):
    assert response.status_code == expected


def _fetch_and_check(client, path):
    _check_status(client.get(path), 200)


def test_assertion_two_helpers_down(client):
    _fetch_and_check(client, "/health")


def _assert_positive(value):
    assert value > 0


def test_helper_passed_as_callback(values):
    values.for_each(_assert_positive)


def test_raises_context_manager(parser):
    with pytest.raises(ValueError):
        parser.parse("not a number")


def test_raises_call_form(parser):
    pytest.raises(ValueError, parser.parse, "not a number")


def test_mock_assertion(notifier):
    notifier.send("hi")
    notifier.transport.assert_called_once_with("hi")


def test_fluent_assertion(order):
    assert_that(order.total()).is_equal_to(30)


def test_configured_helper(order):
    contract_holds(order)


def test_default_helper_name(client):
    verify_health(client)


def test_explicit_failure(client):
    if client.get("/health").status_code != 200:
        pytest.fail("health endpoint down")


def test_raise_is_a_failure(queue):
    if queue.size() != 0:
        raise AssertionError("queue not drained")


def test_assert_false_in_a_branch(state):
    if state == "broken":
        assert False, "state must not be broken"


def test_nested_function_asserts(items):
    def check(item):
        assert item.valid

    for item in items:
        check(item)


@pytest.mark.skip(reason="billing moved to the payments service, JIRA-123")
def test_skipped_placeholder():
    pass


def test_skipped_at_runtime():
    pytest.skip("needs the staging cluster")


@pytest.mark.xfail(raises=ZeroDivisionError, reason="division by zero is not handled yet")
def test_expected_exception(calculator):
    calculator.divide(1, 0)


class TestOrders:
    def test_total_through_method(self, order):
        self._check_total(order, 30)

    def test_total_through_class_method(self, order):
        TestOrders._check_total(order, 30)

    def test_unittest_style(self, order):
        self.assertEqual(order.total(), 30)

    @staticmethod
    def _check_total(order, expected):
        assert order.total() == expected

    def test_logs_only(self, order):  # expect: TA801
        self.logger.info(order.total())


class BaseChecks:
    def _verify_schema(self, payload):
        assert "id" in payload


class TestInheritedHelper(BaseChecks):
    def test_schema(self, payload):
        self._verify_schema(payload)

    def test_expect_exception(self, handler):
        with self.expect_exception(KeyError):
            handler.lookup("missing")


class TestInheritedHelperAgain(TestInheritedHelper):
    def test_schema(self, payload):
        super().test_schema(payload)


class UserFlowTests(SSotBaseTestCase):
    def test_signup_flow(self, client):  # expect: TA801
        client.post("/signup", json={"email": "ada@example.com"})

    def test_signup_flow_checked(self, client):
        self.assertTrue(client.post("/signup", json={"email": "ada@example.com"}).ok)


class SignupFlowTests:
    def test_signup_without_base(self, client):  # expect: TA801
        client.post("/signup", json={"email": "ada@example.com"})


class RegressionRunner:
    """Not a test class: its `test_*` methods return results that real tests assert on."""

    def test_login_regression(self, client):
        return {"passed": client.post("/login").ok}


class PipelineE2ETest:
    """A test class by its name only (pytest does not collect it): a helper returning results."""

    async def test_pipeline(self, client):
        return {"status": (await client.post("/pipeline")).status_code}


def test_login_regression(client):
    assert RegressionRunner().test_login_regression(client)["passed"]


async def test_pipeline_through_the_helper(client):
    assert (await PipelineE2ETest().test_pipeline(client))["status"] == 200


class ContractSuite(abc.ABC):
    @abc.abstractmethod
    def test_contract(self):
        ...


class ConnectionProbe:
    """Not a test class: its `test_connection` is an ordinary method."""

    def test_connection(self, url):
        return bool(url)


class LegacyTests(unittest.TestCase, SSotBaseTestCase):
    def test_legacy(self):
        self.fail("superseded by test_signup_flow_checked")


class StartupSequenceTests:
    """pytest does not collect a class with its own `__init__`: these methods never run as tests."""

    def __init__(self):
        self.steps = []

    def test_startup_order(self, launcher):
        launcher.start()


class ConstructedCaseTests(unittest.TestCase, SSotBaseTestCase):
    """unittest collects its TestCase subclasses whatever their constructor."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.steps = []

    def test_startup_order(self):  # expect: TA801
        self.steps.append("start")


# -- checks generic suites use: none of these is a test without an assertion ---------------------

def test_mock_on_any_receiver(mocks):
    mocks["db"].save({"id": 1})
    mocks["db"].assert_called_once()


def test_plugin_output(pytester):
    result = pytester.runpytest("-v")
    result.stdout.fnmatch_lines(["*1 passed*"])
    result.stdout.no_fnmatch_line("*error*")


def test_rendered_page(snapshot, render):
    snapshot.match(render("/home"), "home.html")


def test_cli_exit_code(run_cmd):
    run_cmd(["tool", "--bad-flag"], expected_rc=2)


def test_approved_report(verify, report):
    verify(report.render())


def test_stubbed_bucket(s3_client):
    with Stubber(s3_client) as stub:
        stub.add_response("head_bucket", {})
        s3_client.head_bucket(Bucket="b")


# -- and their look-alikes that still check nothing ----------------------------------------------

def test_match_that_is_not_a_snapshot(pattern, text):  # expect: TA801
    pattern.match(text)


def test_expectation_as_data(client):  # expect: TA801
    client.post("/jobs", json={"expected": 3})


def test_called_on_any_receiver(mocks):  # expect: TA801
    mocks["db"].save({"id": 1})
    mocks["db"].called_once()


class RunRecord:
    def __init__(self, name, expected_to_fail):
        self.name, self.expected_to_fail = name, expected_to_fail


def test_expectation_stored_in_a_record(runner):  # expect: TA801
    runner.results.append(RunRecord("smoke", expected_to_fail=False))


async def test_logs_through_the_fixtures_checker(logs_tester):
    # the fixture returns a function that asserts on what it is given
    await logs_tester("/addons/ssh/logs", "ssh")


def test_fixture_called_with_nothing_to_check(make_user):  # expect: TA801
    make_user()


class CommandTests(SSotBaseTestCase):
    def test_rejected_location(self):
        # `run_cmd` comes from a base in another module: 255 is the exit code it checks
        self.run_cmd(["deploy", "--bucket", "x"], 255)

    def test_accepted_location(self):  # expect: TA801
        self.run_cmd(["deploy", "--bucket", "x"])


class TestDbusInterface:
    """A D-Bus service double: `__test__ = False` tells pytest its `test` method is not a test."""

    __test__ = False

    def test(self, value):
        return value


class DeployerTests(SSotBaseTestCase):
    def test_execute_changeset(self):
        # the stubbed client compares the request with the expected parameters
        self.stub_client.add_response("execute_change_set", {}, {"ChangeSetName": "cs"})
        with self.stub_client:
            self.deployer.execute_changeset("cs", "stack")

    def test_metrics_only(self):  # expect: TA801
        self.record_metric("deployments", 2)


def test_report_lines_in_any_order(pytester):
    result = pytester.runpytest("-rw")
    result.stdout.fnmatch_lines_random(["*UserWarning*", "*1 passed*"])


def test_state_machine_recorded(sfn_snapshot, run_state_machine):
    # a fixture wrapping `snapshot` (with its own transformers): `.match` compares with the recording
    sfn_snapshot.match("execution", run_state_machine("hello"))


def test_execution_recorded_by_a_helper(sfn_snapshot, client, record_execution):
    # the helper (another module's) calls `sfn_snapshot.match(...)` on what the execution returned
    record_execution(client, sfn_snapshot, definition={"StartAt": "Pass"})


def test_snapshot_taken_but_not_compared(client, snapshot_dir):  # expect: TA801
    client.save(snapshot_dir)


def test_cli_runs_clean(tmp_path):
    # raises CalledProcessError unless the program exits 0: an exit-status check
    subprocess.check_call([sys.executable, "-m", "app.cli", "--check", str(tmp_path)])


def test_cli_started_without_a_check(tmp_path):  # expect: TA801
    subprocess.run([sys.executable, "-m", "app.cli", str(tmp_path)])


class RunAndParse:
    def __init__(self, runner):
        self.runner = runner

    def __call__(self, *args):
        result = self.runner.run(*args)
        assert result.exit_code == 0, result.output  # every call checks the run
        return result


class RunOnly:
    def __init__(self, runner):
        self.runner = runner

    def __call__(self, *args):
        return self.runner.run(*args)


@pytest.fixture
def run_and_parse(cli_runner):
    return RunAndParse(cli_runner)


@pytest.fixture
def run_only(cli_runner):
    return RunOnly(cli_runner)


def test_report_written(run_and_parse, tmp_path):
    # the fixture's value checks the exit code on every call
    result = run_and_parse("report", str(tmp_path))


def test_report_run_unchecked(run_only, tmp_path):  # expect: TA801
    result = run_only("report", str(tmp_path))


class TestHashing(SSotBaseTestCase):
    def test_tuple_is_hashable(self):
        # a private assertion helper of the base class, named as one
        self._assert_hashable(hash_params((1, None, "foo")))

    def test_tuple_hashed_unchecked(self):  # expect: TA801
        self._hash_all(hash_params((1, None, "foo")))


class TestHashingLocally:
    def _assert_hashable(self, value):
        hash(value)  # named as an assertion, asserts nothing: the test is judged by this body

    def test_tuple_hashed_by_a_local_helper(self):  # expect: TA801
        self._assert_hashable(hash_params((1, None, "foo")))
