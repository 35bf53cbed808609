"""`statewright logs`: printing a group's events from a running server, filtering, following."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import click
import pytest
from click.testing import CliRunner
from tests.e2e.server import REPO, ThreadServer, client, free_port

from statewright.cli import main
from statewright.commands.logs import format_event, parse_since
from statewright.runtime import RuntimeConfig
from statewright.services.common.platform import Settings

NOW = 1_796_000_000_000


@pytest.mark.parametrize(("text", "expected"), [
    ("30s", NOW - 30_000), ("10m", NOW - 600_000), ("2h", NOW - 7_200_000), ("1d", NOW - 86_400_000),
    ("1h30m", NOW - 5_400_000), ("2026-11-30T00:00:00Z", 1_795_996_800_000),
    ("2026-11-30T01:00:00+01:00", 1_795_996_800_000), ("2026-11-30T00:00:00", 1_795_996_800_000),
])
def test_parse_since(text, expected):
    assert parse_since(text, NOW) == expected


def test_parse_since_rejects_other_text():
    with pytest.raises(click.BadParameter, match="neither a duration"):
        parse_since("yesterday", NOW)


def test_step_functions_error_records_are_red_and_others_plain():
    failed = '{"id":"3","type":"ExecutionFailed","details":{"error":"E","cause":"c"}}'
    entered = '{"id":"2","type":"PassStateEntered","details":{"name":"P"}}'
    assert format_event({"timestamp": 0, "logStreamName": "s", "message": failed}).endswith(
        click.style(failed, fg="red"))
    assert format_event({"timestamp": 0, "logStreamName": "s", "message": entered}).endswith(" " + entered)


def test_format_event_colours_errors_and_strips_nothing_else():
    line = format_event({"timestamp": 1_796_000_000_123, "logStreamName": "s", "message": "ERROR bad\n"})
    assert click.unstyle(line) == "2026-11-30T00:53:20.123Z s ERROR bad"
    assert "\x1b[31m" in line  # red

    report = '{"time":"2026-11-30T00:53:20.123Z","type":"platform.report","record":{"requestId":"r","status":"success"}}'
    assert "\x1b[90m" in format_event({"timestamp": 1_796_000_000_123, "logStreamName": "s", "message": report})


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    settings = Settings(data_dir=tmp_path_factory.mktemp("logs-cli"), port=free_port())
    with ThreadServer(RuntimeConfig(settings)) as running:
        logs = client(running.endpoint, "logs")
        logs.create_log_group(logGroupName="/aws/lambda/worker")
        logs.create_log_stream(logGroupName="/aws/lambda/worker", logStreamName="s1")
        now = int(time.time() * 1000)
        logs.put_log_events(logGroupName="/aws/lambda/worker", logStreamName="s1", logEvents=[
            {"timestamp": now - 3_600_000, "message": "an hour ago"},
            {"timestamp": now - 1000, "message": "INFO started"},
            {"timestamp": now, "message": "ERROR failed"}])
        logs.close()
        yield running


def test_prints_a_functions_group_since_ten_minutes(server):
    result = CliRunner().invoke(main, ["logs", "worker", "--endpoint", server.endpoint])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert [line.split(" ", 2)[1:] for line in lines] == [["s1", "INFO started"], ["s1", "ERROR failed"]]


def test_filter_and_since(server):
    result = CliRunner().invoke(main, ["logs", "/aws/lambda/worker", "--filter", "ERROR", "--since", "2h",
                                       "--endpoint", server.endpoint])
    assert [line.split(" ", 2)[2] for line in result.output.splitlines()] == ["ERROR failed"]
    result = CliRunner().invoke(main, ["logs", "worker", "--since", "2h", "--endpoint", server.endpoint])
    assert len(result.output.splitlines()) == 3


def test_unknown_group_and_bad_pattern_are_errors(server):
    result = CliRunner().invoke(main, ["logs", "nothing", "--endpoint", server.endpoint])
    assert result.exit_code == 1 and "no log group named nothing or /aws/lambda/nothing" in result.output
    result = CliRunner().invoke(main, ["logs", "worker", "--filter", "{ $.a = ", "--endpoint", server.endpoint])
    assert result.exit_code == 1 and "Invalid filter pattern" in result.output


def test_follow_prints_new_events_once(server):
    env = dict(os.environ, PYTHONPATH=str(REPO), PYTHONUNBUFFERED="1")
    follower = subprocess.Popen(
        [sys.executable, "-c", "from statewright.cli import main; main()", "logs", "worker", "--follow",
         "--interval", "0.1", "--endpoint", server.endpoint], stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert follower.stdout is not None
        assert "INFO started" in follower.stdout.readline()
        assert "ERROR failed" in follower.stdout.readline()
        logs = client(server.endpoint, "logs")
        logs.put_log_events(logGroupName="/aws/lambda/worker", logStreamName="s1",
                            logEvents=[{"timestamp": int(time.time() * 1000), "message": "later"}])
        logs.close()
        assert follower.stdout.readline().rstrip().endswith(" s1 later")
    finally:
        follower.terminate()
        out, _ = follower.communicate(timeout=20)
    assert "later" not in out and "ERROR failed" not in out  # nothing printed twice
