"""lint: cfn-lint findings with resource, field and line; local paths not held against the template."""

from __future__ import annotations

import json

from statewright.template.lint import cached_lint, lint

TEMPLATE = """\
AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Code: ./src
      Handler: a.b
      Runtime: python3.12
      Role: arn:aws:iam::123456789012:role/r
      MemorySize: lots
  Other:
    Type: AWS::Logs::LogGroup
    DependsOn: Fn
    Properties:
      LogGroupName: !Sub /aws/lambda/${Fn}
"""


def test_errors_and_warnings_with_their_place():
    findings = lint(TEMPLATE, region="us-east-1", skip={("Fn", "Code")})
    errors = [finding for finding in findings if finding.is_error]
    assert [(f.rule, f.resource, f.field, f.line) for f in errors] == [
        ("E3012", "Fn", "Properties.MemorySize", 10)]
    warnings = [finding for finding in findings if not finding.is_error]
    assert any(f.rule == "W3005" and f.resource == "Other" for f in warnings)
    assert str(errors[0]).startswith("E3012 Fn.Properties.MemorySize (line 10): ")


def test_a_local_code_path_is_a_finding_unless_skipped():
    findings = lint(TEMPLATE, region="us-east-1")
    assert any(f.resource == "Fn" and f.field == "Properties.Code" for f in findings)


def test_rules_can_be_ignored():
    findings = lint(TEMPLATE, region="us-east-1", skip={("Fn", "Code")}, ignore_rules=["E3012", "W3005"])
    assert [f.rule for f in findings if f.rule in ("E3012", "W3005")] == []


def test_findings_are_cached_by_content(tmp_path):
    first = cached_lint(TEMPLATE, region="us-east-1", cache_dir=tmp_path, skip={("Fn", "Code")})
    (entry,) = tmp_path.glob("cfn-lint-*.json")
    # A cached entry is what the next start reads instead of running cfn-lint.
    entry.write_text(json.dumps([{"rule": "W9999", "message": "from the cache", "resource": "Fn", "field": None,
                                  "line": 1}]))
    again = cached_lint(TEMPLATE, region="us-east-1", cache_dir=tmp_path, skip={("Fn", "Code")})
    assert [f.rule for f in again] == ["W9999"]
    assert any(f.rule == "E3012" for f in first)
    edited = cached_lint(TEMPLATE.replace("lots", "256"), region="us-east-1", cache_dir=tmp_path, skip={("Fn", "Code")})
    assert not any(f.rule == "E3012" for f in edited)
    assert len(list(tmp_path.glob("cfn-lint-*.json"))) == 2


def test_no_cache_directory_means_no_cache(tmp_path):
    assert cached_lint(TEMPLATE, region="us-east-1", cache_dir=None, skip={("Fn", "Code")}) == \
        lint(TEMPLATE, region="us-east-1", skip={("Fn", "Code")})
