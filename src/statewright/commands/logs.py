"""`statewright logs NAME`: a log group's events from a running server, coloured, optionally
followed (polling FilterLogEvents, as `aws logs tail --follow` does)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import click

DEFAULT_ENDPOINT = "http://127.0.0.1:4590"
_DURATION = re.compile(r"(\d+)\s*([smhdw])")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_since(text: str, now_ms: int) -> int:
    """`--since`: a duration back from now (`30s`, `10m`, `2h`, `1d`, `1w`, or combined `1h30m`)
    or an ISO 8601 time; answers epoch milliseconds."""
    compact = text.replace(" ", "")
    if compact and _DURATION.sub("", compact) == "":
        seconds = sum(int(n) * _UNIT_SECONDS[unit] for n, unit in _DURATION.findall(compact))
        return now_ms - seconds * 1000
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter(f"'{text}' is neither a duration such as 10m or 2h nor an ISO 8601 time",
                                 param_hint="--since") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)


# A Step Functions execution log record of an error event (its "type" comes second in the record).
_STATES_ERROR = re.compile(r'^\{"id":"\d+","type":"\w*(?:Failed|TimedOut|Aborted)"')


def _level_colour(message: str) -> str | None:
    if message.startswith('{"time":') and '"type":"platform.' in message[:80]:
        return "bright_black"  # Lambda's own records in the JSON log format
    if message.startswith(("START RequestId:", "END RequestId:", "REPORT RequestId:", "INIT_START")):
        return "bright_black"
    if _STATES_ERROR.match(message):
        return "red"
    head = message[:200]
    if any(word in head for word in ("ERROR", "Error", "Exception", "Traceback", "FATAL", '"level":"error"')):
        return "red"
    if "WARN" in head:
        return "yellow"
    return None


def format_event(event: dict[str, Any]) -> str:
    """One event as a line: time (UTC, ms), stream, message; styled (click strips the styles
    when the output is not a terminal)."""
    stamp = datetime.fromtimestamp(event["timestamp"] / 1000, tz=UTC)
    when = click.style(stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{stamp.microsecond // 1000:03d}Z", fg="green")
    stream = click.style(event.get("logStreamName", ""), fg="cyan")
    message = event["message"].rstrip("\n")
    colour = _level_colour(message)
    return f"{when} {stream} {click.style(message, fg=colour) if colour else message}"


def _client(endpoint: str, region: str) -> Any:
    import boto3
    from botocore.config import Config

    return boto3.client("logs", endpoint_url=endpoint, region_name=region, aws_access_key_id="test",
                        aws_secret_access_key="test", config=Config(retries={"max_attempts": 2}))


def resolve_group(client: Any, name: str) -> str:
    """NAME as given when such a log group exists, else a Lambda function's `/aws/lambda/NAME`."""
    for candidate in (name, f"/aws/lambda/{name}"):
        found = client.describe_log_groups(logGroupNamePrefix=candidate).get("logGroups", [])
        if any(group["logGroupName"] == candidate for group in found):
            return candidate
    raise click.ClickException(f"no log group named {name} or /aws/lambda/{name}")


def events_since(client: Any, group: str, start: int, pattern: str | None) -> Iterator[dict[str, Any]]:
    request: dict[str, Any] = {"logGroupName": group, "startTime": start}
    if pattern:
        request["filterPattern"] = pattern
    for page in client.get_paginator("filter_log_events").paginate(**request):
        yield from page.get("events", [])


@click.command("logs")
@click.argument("name")
@click.option("--follow", "-f", is_flag=True, help="Keep printing new events until interrupted.")
@click.option("--filter", "pattern", default=None, metavar="PATTERN",
              help='A CloudWatch Logs filter pattern: ERROR, "?WARN ?ERROR", { $.level = "ERROR" } ...')
@click.option("--since", default="10m", show_default=True, help="How far back to start: 30s, 10m, 2h, 1d or an ISO time.")
@click.option("--endpoint", envvar="STATEWRIGHT_ENDPOINT", default=DEFAULT_ENDPOINT, show_default=True,
              help="The server's URL. Env: STATEWRIGHT_ENDPOINT.")
@click.option("--region", default="us-east-1", show_default=True, help="Region of the log group.")
@click.option("--interval", default=1.0, show_default=True, type=click.FloatRange(min=0.05),
              help="Seconds between polls with --follow.")
def logs(name: str, follow: bool, pattern: str | None, since: str, endpoint: str, region: str,
         interval: float) -> None:
    """Print the events of log group NAME (or of Lambda function NAME's /aws/lambda/NAME)."""
    from botocore.exceptions import BotoCoreError, ClientError

    start = parse_since(since, int(time.time() * 1000))
    client = _client(endpoint, region)
    try:
        group = resolve_group(client, name)
        seen: dict[str, int] = {}  # eventId → timestamp of what was printed
        while True:
            newest = start
            for event in events_since(client, group, start, pattern):
                if event["eventId"] in seen:
                    continue
                seen[event["eventId"]] = event["timestamp"]
                newest = max(newest, event["timestamp"])
                click.echo(format_event(event))
            if not follow:
                return
            # Ask again from the newest timestamp seen: events that arrive later with that same
            # timestamp are caught, and the ids already printed are skipped.
            seen = {eid: ts for eid, ts in seen.items() if ts >= newest}
            start = newest
            time.sleep(interval)
    except KeyboardInterrupt:
        return
    except ClientError as error:
        raise click.ClickException(error.response.get("Error", {}).get("Message", str(error))) from None
    except BotoCoreError as error:
        raise click.ClickException(f"cannot reach {endpoint}: {error}") from None
