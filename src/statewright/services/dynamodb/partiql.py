"""PartiQL for DynamoDB (AWS developer guide, "PartiQL - a SQL-compatible query language for
Amazon DynamoDB"): SELECT, INSERT, UPDATE and DELETE, translated into the requests the API
already answers (Query or Scan, PutItem, UpdateItem, DeleteItem) with expressions whose names
and values are placeholders, so one evaluator serves both languages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from . import numbers
from .schema import invalid
from .values import normalize_value

_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<string>'(?:[^']|'')*')
  | (?P<quoted>"(?:[^"]|"")*")
  | (?P<number>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op><<|>>|<=|>=|<>|!=|[=<>()\[\]{},.:?*+\-])
  | (?P<invalid>.)
""", re.VERBOSE | re.DOTALL)

_COMPARATORS = ("=", "<>", "!=", "<", "<=", ">", ">=")
_FUNCTIONS = {"begins_with": 2, "contains": 2, "attribute_type": 2, "size": 1}
_RETURNING = {("ALL", "OLD"): "ALL_OLD", ("ALL", "NEW"): "ALL_NEW", ("MODIFIED", "OLD"): "UPDATED_OLD",
              ("MODIFIED", "NEW"): "UPDATED_NEW"}


def malformed(detail: str) -> Exception:
    return invalid(f"Statement wasn't well formed, can't be processed: {detail}")


@dataclass
class Cond:
    """A translated condition: its expression text, and for a conjunction its parts, for a
    `path = value` its attribute and value (how key conditions are found)."""

    text: str
    parts: list[Cond] | None = None
    equals: tuple[str, dict[str, Any]] | None = None
    key_part: tuple[str, str] | None = None  # (attribute, kind) for conditions a Query can use


@dataclass
class Statement:
    kind: str  # SELECT, INSERT, UPDATE, DELETE
    table: str
    index: str | None = None
    names: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, Any]] = field(default_factory=dict)
    projection: str | None = None
    where: Cond | None = None
    item: dict[str, Any] | None = None
    set_actions: list[str] = field(default_factory=list)
    remove_actions: list[str] = field(default_factory=list)
    returning: str = "NONE"


class Translator:
    def __init__(self, text: str, parameters: list[dict[str, Any]]) -> None:
        self.tokens: list[tuple[str, str]] = []
        for match in _TOKEN.finditer(text):
            kind = match.lastgroup or "invalid"
            if kind == "invalid":
                raise malformed(f"unexpected character {match.group()!r}")
            if kind != "space":
                self.tokens.append((kind, match.group()))
        self.tokens.append(("eof", ""))
        self.index = 0
        self.parameters = [normalize_value(parameter) for parameter in parameters]
        self.used_parameters = 0
        self.statement = Statement("", "")

    # --- tokens -----------------------------------------------------------------------------

    def peek(self, offset: int = 0) -> tuple[str, str]:
        return self.tokens[min(self.index + offset, len(self.tokens) - 1)]

    def take(self) -> tuple[str, str]:
        token = self.peek()
        self.index += 1
        return token

    def keyword(self, *words: str) -> bool:
        kind, text = self.peek()
        return kind == "name" and text.upper() in words

    def expect_keyword(self, word: str) -> None:
        if not self.keyword(word):
            raise malformed(f"expected {word}, found {self.peek()[1] or 'the end'}")
        self.take()

    def at(self, text: str) -> bool:
        kind, token = self.peek()
        return kind == "op" and token == text

    def expect(self, text: str) -> None:
        if not self.at(text):
            raise malformed(f"expected {text!r}, found {self.peek()[1] or 'the end'}")
        self.take()

    # --- names, paths, values ---------------------------------------------------------------

    def identifier(self) -> str:
        kind, text = self.take()
        if kind == "quoted":
            return text[1:-1].replace('""', '"')
        if kind == "name":
            return text
        raise malformed(f"expected a name, found {text or 'the end'}")

    def name(self, attribute: str) -> str:
        placeholder = f"#n{len(self.statement.names)}"
        self.statement.names[placeholder] = attribute
        return placeholder

    def value_placeholder(self, value: dict[str, Any]) -> str:
        placeholder = f":v{len(self.statement.values)}"
        self.statement.values[placeholder] = value
        return placeholder

    def path(self) -> tuple[str, list[str | int]]:
        elements: list[str | int] = [self.identifier()]
        text = self.name(str(elements[0]))
        while True:
            if self.at("."):
                self.take()
                element = self.identifier()
                elements.append(element)
                text += "." + self.name(element)
            elif self.at("[") and self.peek(1)[0] == "number":
                self.take()
                position = int(self.take()[1])
                self.expect("]")
                elements.append(position)
                text += f"[{position}]"
            else:
                return text, elements

    def literal(self) -> dict[str, Any]:
        kind, text = self.peek()
        if kind == "string":
            self.take()
            return {"S": text[1:-1].replace("''", "'")}
        if kind == "number" or (self.at("-") and self.peek(1)[0] == "number"):
            sign = "-" if self.at("-") else ""
            if sign:
                self.take()
            return {"N": numbers.normalize(sign + self.take()[1])}
        if self.at("?"):
            self.take()
            if self.used_parameters >= len(self.parameters):
                raise invalid("Number of parameters in request and statement don't match.")
            self.used_parameters += 1
            return self.parameters[self.used_parameters - 1]
        if kind == "name" and text.upper() in ("TRUE", "FALSE"):
            self.take()
            return {"BOOL": text.upper() == "TRUE"}
        if kind == "name" and text.upper() == "NULL":
            self.take()
            return {"NULL": True}
        if self.at("{"):
            return {"M": self._members()}
        if self.at("["):
            return {"L": self._sequence("[", "]")}
        if self.at("<<"):
            members = self._sequence("<<", ">>")
            kinds = {next(iter(member)) for member in members}
            if len(kinds) != 1 or not kinds <= {"S", "N", "B"}:
                raise malformed("a set holds strings, numbers or binaries of one kind")
            kind = kinds.pop()
            return normalize_value({kind + "S": [member[kind] for member in members]})
        raise malformed(f"unexpected {text or 'end of statement'}")

    def _members(self) -> dict[str, Any]:
        self.expect("{")
        members: dict[str, Any] = {}
        while not self.at("}"):
            kind, text = self.take()
            if kind not in ("string", "quoted"):
                raise malformed("a tuple's keys are quoted strings")
            self.expect(":")
            members[text[1:-1]] = self.literal()
            if not self.at(","):
                break
            self.take()
        self.expect("}")
        return members

    def _sequence(self, opening: str, closing: str) -> list[dict[str, Any]]:
        self.expect(opening)
        members = []
        while not self.at(closing):
            members.append(self.literal())
            if not self.at(","):
                break
            self.take()
        self.expect(closing)
        return members

    def operand(self) -> tuple[str, list[str | int] | None, dict[str, Any] | None]:
        """(expression text, path elements if a path, value if a literal)."""
        kind, text = self.peek()
        if kind == "name" and text.lower() == "size" and self.peek(1) == ("op", "("):
            self.take()
            self.expect("(")
            path_text, _ = self.path()
            self.expect(")")
            return f"size({path_text})", None, None
        if kind in ("name", "quoted") and not (kind == "name" and text.upper() in ("TRUE", "FALSE", "NULL")):
            path_text, elements = self.path()
            return path_text, elements, None
        value = self.literal()
        return self.value_placeholder(value), None, value

    # --- conditions -------------------------------------------------------------------------

    def condition(self) -> Cond:
        parts = [self.conjunction()]
        while self.keyword("OR"):
            self.take()
            parts.append(self.conjunction())
        if len(parts) == 1:
            return parts[0]
        return Cond(" OR ".join(f"({part.text})" for part in parts))

    def conjunction(self) -> Cond:
        parts = [self.negation()]
        while self.keyword("AND"):
            self.take()
            parts.append(self.negation())
        if len(parts) == 1:
            return parts[0]
        flat = [piece for part in parts for piece in (part.parts or [part])]
        return Cond(" AND ".join(f"({part.text})" for part in flat), parts=flat)

    def negation(self) -> Cond:
        if self.keyword("NOT"):
            self.take()
            return Cond(f"NOT ({self.negation().text})")
        if self.at("("):
            self.take()
            inner = self.condition()
            self.expect(")")
            return inner
        return self.predicate()

    def predicate(self) -> Cond:
        kind, text = self.peek()
        if kind == "name" and text.lower() in _FUNCTIONS and text.lower() != "size" and self.peek(1) == ("op", "("):
            self.take()
            self.expect("(")
            path_text, function_path = self.path()
            self.expect(",")
            argument, _, _ = self.operand()
            self.expect(")")
            key_part = ((str(function_path[0]), "begins_with")
                        if text.lower() == "begins_with" and len(function_path) == 1 else None)
            return Cond(f"{text.lower()}({path_text}, {argument})", key_part=key_part)
        left, elements, _ = self.operand()
        single = str(elements[0]) if elements is not None and len(elements) == 1 else None
        kind, operator = self.peek()
        if kind == "op" and operator in _COMPARATORS:
            self.take()
            right, _, value = self.operand()
            operator = "<>" if operator == "!=" else operator
            equals = (single, value) if operator == "=" and single and value is not None else None
            key_part = (single, operator) if single and value is not None and operator != "<>" else None
            return Cond(f"{left} {operator} {right}", equals=equals, key_part=key_part)
        if self.keyword("BETWEEN"):
            self.take()
            low, _, _ = self.operand()
            self.expect_keyword("AND")
            high, _, _ = self.operand()
            return Cond(f"{left} BETWEEN {low} AND {high}", key_part=(single, "BETWEEN") if single else None)
        if self.keyword("IN"):
            self.take()
            closing = "]" if self.at("[") else ")"
            self.take()
            options = []
            while not self.at(closing):
                options.append(self.operand()[0])
                if not self.at(","):
                    break
                self.take()
            self.expect(closing)
            return Cond(f"{left} IN ({', '.join(options)})")
        if self.keyword("IS"):
            self.take()
            negated = self.keyword("NOT")
            if negated:
                self.take()
            if self.keyword("MISSING"):
                self.take()
                return Cond(f"attribute_exists({left})" if negated else f"attribute_not_exists({left})")
            if self.keyword("NULL"):
                self.take()
                null = self.value_placeholder({"S": "NULL"})
                return Cond(f"NOT attribute_type({left}, {null})" if negated else f"attribute_type({left}, {null})")
            raise malformed("IS takes MISSING or NULL")
        raise malformed(f"unexpected {operator or 'end of statement'}")

    # --- statements -------------------------------------------------------------------------

    def translate(self) -> Statement:
        if self.keyword("SELECT"):
            self.take()
            self._select()
        elif self.keyword("INSERT"):
            self.take()
            self._insert()
        elif self.keyword("UPDATE"):
            self.take()
            self._update()
        elif self.keyword("DELETE"):
            self.take()
            self._delete()
        else:
            raise malformed("a statement starts with SELECT, INSERT, UPDATE or DELETE")
        if self.peek()[0] != "eof":
            raise malformed(f"unexpected {self.peek()[1]}")
        if self.used_parameters != len(self.parameters):
            raise invalid("Number of parameters in request and statement don't match.")
        return self.statement

    def _table(self) -> None:
        # Recorded texts for the FROM path (nubo-db/dynamodb-conformance partiql.test.ts).
        components = [self.identifier()]
        while self.at("."):
            self.take()
            components.append(self.identifier())
        if len(components) > 2:
            raise invalid("A path may contain at most 2 components in the FROM clause")
        if any(component == "" for component in components):
            raise invalid("Path component cannot be an empty string")
        self.statement.table = components[0]
        self.statement.index = components[1] if len(components) > 1 else None

    def _where(self, required: bool) -> None:
        if self.keyword("WHERE"):
            self.take()
            self.statement.where = self.condition()
        elif required:
            raise invalid("Where clause does not contain a mandatory equality on all key attributes")

    def _select(self) -> None:
        self.statement.kind = "SELECT"
        if self.at("*"):
            self.take()
        else:
            paths = [self.path()[0]]
            while self.at(","):
                self.take()
                paths.append(self.path()[0])
            self.statement.projection = ", ".join(paths)
        self.expect_keyword("FROM")
        self._table()
        self._where(required=False)

    def _insert(self) -> None:
        self.statement.kind = "INSERT"
        self.expect_keyword("INTO")
        self._table()
        self.expect_keyword("VALUE")
        item = self.literal()
        if "M" not in item:
            raise malformed("INSERT takes a tuple: VALUE {'key': value, ...}")
        self.statement.item = item["M"]

    def _update(self) -> None:
        self.statement.kind = "UPDATE"
        self._table()
        while self.keyword("SET", "REMOVE"):
            clause = self.take()[1].upper()
            while True:
                target, _ = self.path()
                if clause == "REMOVE":
                    self.statement.remove_actions.append(target)
                else:
                    self.expect("=")
                    self.statement.set_actions.append(f"{target} = {self._set_value()}")
                if not self.at(","):
                    break
                self.take()
        if not (self.statement.set_actions or self.statement.remove_actions):
            raise malformed("UPDATE needs SET or REMOVE")
        self._where(required=True)
        self._returning()

    def _set_value(self) -> str:
        kind, text = self.peek()
        if kind == "name" and text.lower() in ("list_append", "if_not_exists") and self.peek(1) == ("op", "("):
            self.take()
            self.expect("(")
            first = self.operand()[0]
            self.expect(",")
            second = self.operand()[0]
            self.expect(")")
            left = f"{text.lower()}({first}, {second})"
        else:
            left = self.operand()[0]
        if self.at("+") or self.at("-"):
            operator = self.take()[1]
            return f"{left} {operator} {self.operand()[0]}"
        return left

    def _delete(self) -> None:
        self.statement.kind = "DELETE"
        self.expect_keyword("FROM")
        self._table()
        self._where(required=True)
        self._returning()

    def _returning(self) -> None:
        if not self.keyword("RETURNING"):
            return
        self.take()
        scope = self.take()[1].upper()
        age = self.take()[1].upper()
        self.expect("*")
        returning = _RETURNING.get((scope, age))
        if returning is None:
            raise malformed(f"RETURNING {scope} {age} * is not supported")
        if self.statement.kind == "DELETE" and returning != "ALL_OLD":
            # Recorded: nubo-db/dynamodb-conformance partiql.test.ts.
            raise invalid(f"Invalid returning clause: RETURNING {scope} {age} *. Only RETURNING ALL OLD * is allowed "
                          "in DELETE statements.")
        self.statement.returning = returning


def translate(text: object, parameters: object) -> Statement:
    if not isinstance(text, str) or not text.strip():
        raise invalid("1 validation error detected: Value null at 'statement' failed to satisfy constraint: "
                      "Member must not be null")
    if parameters is not None and (not isinstance(parameters, list) or not parameters):
        raise invalid("1 validation error detected: Value '[]' at 'parameters' failed to satisfy constraint: "
                      "Member must have length greater than or equal to 1")
    return Translator(text, parameters or []).translate()
