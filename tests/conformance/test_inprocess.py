"""Every AWS-recorded execution case, run through the in-process engine.

Cases that cannot pass in-process are listed with the reason in KNOWN (and in
docs/conformance.md); they are strict xfails, so fixing one makes the suite say so.
"""

from __future__ import annotations

import pytest
from tests.conformance.harness import area, load_cases, official_runner, run_case, run_test_state_case

KNOWN = {
    "tests/aws/services/stepfunctions/v2/test_sfn_api.py::TestSnfApi::test_stop_execution#exec_hist_resp":
        "the recording calls StopExecution mid-Wait; a run with no API has no way to stop it",
}


CASES = [pytest.param(c, id=f"{area(c)}:{c['id'].rsplit('::', 1)[-1]}",
                      marks=[pytest.mark.xfail(strict=True, reason=KNOWN[c["id"]])] if c["id"] in KNOWN else [])
         for c in load_cases() if c.get("kind") == "execution"]


@pytest.fixture(scope="module")
def reference():
    return official_runner()


@pytest.mark.skipif(not CASES, reason="../shared/conformance/cases.jsonl is absent")
@pytest.mark.parametrize("case", CASES)
def test_recorded_case(case, reference):
    ok, why = run_case(case, reference)
    assert ok, why


@pytest.mark.skipif(not CASES, reason="../shared/conformance/cases.jsonl is absent")
@pytest.mark.parametrize("case", CASES)
def test_recorded_case_without_history(case, reference):
    """The same cases with no history kept: the fast paths must not change any outcome."""
    ok, why = run_case(case, reference, record=False)
    assert ok, why


STATE_CASES = [pytest.param(c, id=f"test_state:{c['id'].rsplit('::', 1)[-1]}")
               for c in load_cases() if c.get("kind") == "test_state"]


@pytest.mark.skipif(not STATE_CASES, reason="../shared/conformance/cases.jsonl is absent")
@pytest.mark.parametrize("case", STATE_CASES)
def test_recorded_test_state_case(case, reference):
    ok, why = run_test_state_case(case, reference)
    assert ok, why
