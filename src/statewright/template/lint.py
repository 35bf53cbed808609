"""cfn-lint over a template: error-level findings stop start-up, warnings go back to the caller."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass


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
