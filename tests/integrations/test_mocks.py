"""The mock configuration's checks: each problem names the JSON path and what is wrong."""

from __future__ import annotations

import pytest

from statewright.integrations.mocks import MockConfigError, parse_mock_config


def _config(responses, cases=None):
    return {"StateMachines": {"M": {"TestCases": {"Case": cases or {}}}}, "MockedResponses": responses}


@pytest.mark.parametrize(("raw", "message"), [
    ([], "f.json: $: must be a JSON object"),
    ({"Machines": {}}, "unknown field(s) ['Machines']"),
    (_config({"R": {"x": {"Return": 1}}}), "$.MockedResponses.R.x: the key must be an invocation number"),
    (_config({"R": {"2-1": {"Return": 1}}}), "$.MockedResponses.R.2-1: the range's end is before its start"),
    (_config({"R": {"0-2": {"Return": 1}, "1": {"Return": 2}}}), "$.MockedResponses.R.1: overlaps invocations 0-2"),
    (_config({"R": {"0": {"Return": 1, "Throw": {}}}}), "$.MockedResponses.R.0: must hold exactly one of Return or Throw"),
    (_config({"R": {"0": {"Throw": {"Cause": "c"}}}}), "$.MockedResponses.R.0.Throw.Error: must be a non-empty string"),
    (_config({"R": {}}), "$.MockedResponses.R: defines no invocation"),
    (_config({}, {"S": 3}), "$.StateMachines.M.TestCases.Case.S: must name a mocked response"),
])
def test_bad_configurations_are_refused_with_the_path(raw, message):
    with pytest.raises(MockConfigError) as raised:
        parse_mock_config(raw, "f.json")
    assert message in str(raised.value)


def test_ranges_pick_the_response_of_each_invocation():
    config = parse_mock_config(_config({"R": {"0": {"Return": "a"}, "1-3": {"Throw": {"Error": "E", "Cause": "c"}},
                                              "4": {"Return": None}}}, {"S": "R"}))
    assert config.response_for("R", 0).output == "a"
    assert [config.response_for("R", n).error for n in (1, 2, 3)] == ["E"] * 3
    found = config.response_for("R", 4)
    assert found is not None and not found.failed and found.output is None
    assert config.response_for("R", 5) is None
    assert config.test_cases["M"]["Case"] == {"S": "R"}


def _bind(store, execution_arn):
    from statewright.services.stepfunctions.testcases import bind
    store.write(lambda tx: bind(tx, execution_arn, "M", "Case", 0.0)).result()


def test_with_no_configuration_only_a_bound_execution_gets_an_answer(tmp_path):
    from statewright.integrations.mocks import MockedTasks
    from statewright.store.sqlite import SqliteStore

    store = SqliteStore(tmp_path)
    try:
        _bind(store, "arn:x:bound-before-start-up")
        mocks = MockedTasks(None, store)  # as after a restart: the binding is already stored
        assert mocks.answer("arn:x:plain", "S", "t1") is None
        missing = mocks.answer("arn:x:bound-before-start-up", "S", "t1")
        assert missing is not None and "no mock configuration is loaded" in (missing.cause or "")
    finally:
        store.close()


def test_with_no_configuration_and_no_binding_tasks_skip_the_lookup_until_one_is_noted(tmp_path):
    from statewright.integrations.mocks import MockedTasks
    from statewright.store.sqlite import SqliteStore

    store = SqliteStore(tmp_path)
    try:
        mocks = MockedTasks(None, store)
        assert mocks.answer("arn:x:a", "S", "t1") is None
        _bind(store, "arn:x:b")
        # Not noted: the store is not asked again (the point of the gate)...
        assert mocks.answer("arn:x:b", "S", "t1") is None
        # ...and once the service notes the binding (it does, before the execution starts), it is.
        mocks.note_binding()
        found = mocks.answer("arn:x:b", "S", "t1")
        assert found is not None and found.error == "States.Runtime"
    finally:
        store.close()
