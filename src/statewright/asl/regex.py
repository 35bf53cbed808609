"""Regular expressions in JSONPath filters (`$[?(@.name =~ /ab+c/i)]`) run in linear time.

AWS's JSONPath flavour is Jayway's, whose `=~` is Java's `Pattern.matches` (the whole string
must match). Java's engine backtracks, so `/(a+)+$/` on a long run of `a`s followed by `!`
takes time doubling with every character; a local runtime must not let one filter hold the
process. So patterns are compiled by RE2 (Google's linear-time engine): the same syntax for
everything but backreferences and lookaround, which RE2 refuses and Statewright therefore
rejects when the path is compiled (the definition is invalid), instead of running them unboundedly.

The python-jsonpath environment built here also drops the RFC 9535 `match()`/`search()` filter
functions: Jayway has no such functions, and they would compile patterns with Python's `re`.
"""

from __future__ import annotations

from typing import Any

import jsonpath
import re2
from jsonpath.filter import RegexLiteral
from jsonpath.parse import Parser
from jsonpath.token import TOKEN_RE_FLAGS

# Jayway's flags (`/…/i`) as RE2 inline flags: i (ignore case), m (multi-line), s (dot matches \n).
_INLINE_FLAGS = frozenset("ims")


class RegexError(ValueError):
    """A pattern RE2 cannot run (backreferences, lookaround) or does not parse."""


def compile_pattern(pattern: str, flags: str = "") -> Any:
    """`pattern` compiled by RE2, with Jayway's flags; raises RegexError."""
    unknown = set(flags) - _INLINE_FLAGS
    if unknown:
        raise RegexError(f"unsupported regular expression flag(s) {''.join(sorted(unknown))!r}")
    options = re2.Options()
    options.log_errors = False  # the error is reported to the caller, not printed on stderr
    prefix = f"(?{''.join(sorted(set(flags)))})" if flags else ""
    try:
        return re2.compile(prefix + pattern, options)
    except re2.error as exc:
        message = exc.args[0].decode(errors="replace") if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        raise RegexError(f"the regular expression /{pattern}/ cannot be used: {message}") from None


class _LinearParser(Parser):
    def parse_regex(self, stream: Any) -> Any:
        pattern = stream.current().value
        flags = ""
        if stream.peek().kind == TOKEN_RE_FLAGS:
            stream.next()
            flags = stream.next().value
        try:
            return RegexLiteral(value=compile_pattern(pattern, flags))
        except RegexError as exc:
            raise jsonpath.JSONPathSyntaxError(str(exc), token=stream.current()) from None


class QueryEnvironment(jsonpath.JSONPathEnvironment):
    """python-jsonpath with Jayway's regular-expression semantics in linear time."""

    parser_class = _LinearParser

    def setup_function_extensions(self) -> None:
        super().setup_function_extensions()
        for name in ("match", "search"):
            self.function_extensions.pop(name, None)
