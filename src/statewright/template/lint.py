"""cfn-lint over a template: error-level findings stop start-up, warnings go back to the caller."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True)
class Finding:
    """One cfn-lint match: rule id (E…/W…/I…), where (logical id, field, line) and what."""

    rule: str
    message: str
    resource: str | None
    field: str | None
    line: int | None

    @property
    def is_error(self) -> bool:
        return self.rule.startswith("E")

    def __str__(self) -> str:
        where = ".".join(part for part in (self.resource, self.field) if part)
        line = f" (line {self.line})" if self.line else ""
        return f"{self.rule} {where}{line}: {self.message}"


def lint(text: str, *, region: str, skip: Collection[tuple[str, str]] = (),
         ignore_rules: Collection[str] = ()) -> list[Finding]:
    """cfn-lint's findings for the template source `text` (YAML or JSON), informational ones left out.

    `skip` holds (logical id, property) pairs whose findings are not about the template as the user
    meant it (local paths that `aws cloudformation package` would have uploaded).
    """
    from cfnlint.api import ManualArgs
    from cfnlint.api import lint as run_lint

    findings = []
    config = ManualArgs(regions=[region], ignore_checks=list(ignore_rules))
    for match in run_lint(text, config=config):
        rule = str(match.rule.id)
        if rule.startswith("I"):
            continue
        path = [str(part) for part in (match.path or [])]
        resource, field = _place(path)
        if len(path) >= 4 and path[2] == "Properties" and (path[1], path[3]) in skip:
            continue
        findings.append(Finding(rule, str(match.message), resource, field, match.linenumber or None))
    return findings


def _place(path: list[str]) -> tuple[str | None, str | None]:
    if len(path) >= 2 and path[0] in ("Resources", "Outputs", "Parameters", "Conditions", "Mappings"):
        return path[1], ".".join(path[2:]) or None
    return (path[0] if path else None), (".".join(path[1:]) or None)


def cached_lint(text: str, *, region: str, cache_dir: Path | None, skip: Collection[tuple[str, str]] = (),
                ignore_rules: Collection[str] = ()) -> list[Finding]:
    """`lint`, remembered in `cache_dir` by the template's content (cfn-lint takes ~0.3-0.9 s a template).

    The key holds everything the findings depend on: the text, region, skipped fields, ignored rules
    and cfn-lint's version, so an upgrade or an edit lints again.
    """
    if cache_dir is None:
        return lint(text, region=region, skip=skip, ignore_rules=ignore_rules)
    from cfnlint.version import __version__ as cfn_lint_version

    key_source = json.dumps([text, region, sorted(skip), sorted(ignore_rules), cfn_lint_version])
    path = cache_dir / f"cfn-lint-{hashlib.sha256(key_source.encode('utf-8')).hexdigest()}.json"
    try:
        return [Finding(**item) for item in json.loads(path.read_text(encoding="utf-8"))]
    except (OSError, ValueError, TypeError):
        pass  # not cached yet, or unreadable: lint again
    findings = lint(text, region=region, skip=skip, ignore_rules=ignore_rules)
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".tmp")
        partial.write_text(json.dumps([asdict(finding) for finding in findings]), encoding="utf-8")
        partial.replace(path)
    except OSError:
        pass  # a read-only data directory only costs the next start the lint time
    return findings
