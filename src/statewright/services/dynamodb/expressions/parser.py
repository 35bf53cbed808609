"""Recursive-descent parser for DynamoDB's expression grammar (AWS developer guide, "Condition
and filter expressions, operators, and functions": comparator, BETWEEN, IN, functions, NOT,
AND, OR, parentheses; "Update expressions": SET, REMOVE, ADD, DELETE).

Precedence, lowest first, as the guide lists it: OR, AND, NOT, then comparisons, BETWEEN, IN
and functions, which bind tightest; parentheses override.
"""

from __future__ import annotations

from .ast import (
    And,
    Arithmetic,
    Between,
    Call,
    Compare,
    Condition,
    ExpressionError,
    In,
    Not,
    Operand,
    Or,
    Path,
    Size,
    Update,
    UpdateAction,
    Value,
)
from .lexer import Token, syntax_error, tokenize
from .reserved import RESERVED_WORDS

COMPARATORS = ("=", "<>", "<", "<=", ">", ">=")
CONDITION_FUNCTIONS = {"attribute_exists": 1, "attribute_not_exists": 1, "attribute_type": 2,
                       "begins_with": 2, "contains": 2}
UPDATE_FUNCTIONS = {"if_not_exists": 2, "list_append": 2}
CLAUSES = ("SET", "REMOVE", "ADD", "DELETE")


class Parser:
    """One parse of one expression text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens: list[Token] = tokenize(text)
        self.index = 0
        self._parenthesized: set[int] = set()

    # --- token helpers ----------------------------------------------------------------------

    @property
    def token(self) -> Token:
        return self.tokens[self.index]

    def error(self) -> ExpressionError:
        return syntax_error(self.text, self.tokens, self.index)

    def take(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def at(self, text: str) -> bool:
        token = self.token
        return token.kind == "op" and token.text == text

    def at_keyword(self, word: str) -> bool:
        token = self.token
        return token.kind == "name" and token.text.upper() == word

    def expect(self, text: str) -> Token:
        if not self.at(text):
            raise self.error()
        return self.take()

    def expect_end(self) -> None:
        if self.token.kind != "eof":
            raise self.error()

    # --- paths and operands -----------------------------------------------------------------

    def path(self) -> Path:
        elements: list[str | int] = [self.path_name()]
        while True:
            if self.at("."):
                self.take()
                elements.append(self.path_name())
            elif self.at("["):
                self.take()
                if self.token.kind != "number":
                    raise self.error()
                elements.append(int(self.take().text))
                self.expect("]")
            else:
                return Path(tuple(elements))

    def path_name(self) -> str:
        token = self.token
        if token.kind == "hashname":
            return self.take().text
        if token.kind != "name":
            raise self.error()
        if token.text.upper() in RESERVED_WORDS:
            raise ExpressionError(f"Attribute name is a reserved keyword; reserved keyword: {token.text}")
        return self.take().text

    def operand(self, *, update: bool = False) -> Operand:
        token = self.token
        if token.kind == "value":
            self.take()
            return Value(token.text)
        if token.kind == "name" and self.tokens[self.index + 1].text == "(":
            return self.call(update=update)
        if token.kind in ("name", "hashname"):
            return self.path()
        raise self.error()

    def call(self, *, update: bool) -> Operand:
        name_token = self.take()
        name = name_token.text
        self.expect("(")
        args: list[Operand] = []
        if not self.at(")"):
            args.append(self.operand(update=update))
            while self.at(","):
                self.take()
                args.append(self.operand(update=update))
        self.expect(")")
        known = {**CONDITION_FUNCTIONS, **UPDATE_FUNCTIONS, "size": 1}
        if name not in known:
            raise ExpressionError(f"Invalid function name; function: {name}")
        if update and name not in UPDATE_FUNCTIONS:
            raise ExpressionError(f"The function is not allowed in an update expression; function: {name}")
        if not update and name in UPDATE_FUNCTIONS:
            raise ExpressionError(f"The function is not allowed in a condition expression; function: {name}")
        if len(args) != known[name]:
            raise ExpressionError("Incorrect number of operands for operator or function; operator or "
                                  f"function: {name}, number of operands: {len(args)}")
        if name == "size":
            if not isinstance(args[0], Path):
                raise ExpressionError("Incorrect operand type for operator or function; operator or "
                                      "function: size, operand type: " + _operand_kind(args[0]))
            return Size(args[0])
        if name in ("attribute_exists", "attribute_not_exists", "attribute_type", "begins_with",
                    "contains", "if_not_exists") and not isinstance(args[0], Path):
            raise ExpressionError("Operator or function requires a document path; operator or "
                                  f"function: {name}")
        return Call(name, tuple(args))

    # --- conditions -------------------------------------------------------------------------

    def condition(self) -> Condition:
        left = self.conjunction()
        while self.at_keyword("OR"):
            self.take()
            left = Or(left, self.conjunction())
        return left

    def conjunction(self) -> Condition:
        left = self.negation()
        while self.at_keyword("AND"):
            self.take()
            left = And(left, self.negation())
        return left

    def negation(self) -> Condition:
        if self.at_keyword("NOT"):
            self.take()
            return Not(self.negation())
        return self.primary()

    def primary(self) -> Condition:
        if self.at("("):
            self.take()
            inner = self.condition()
            self.expect(")")
            if id(inner) in self._parenthesized:
                raise ExpressionError("The expression has redundant parentheses;")
            self._parenthesized.add(id(inner))
            return inner
        left = self.operand()
        if isinstance(left, Call) and left.name in CONDITION_FUNCTIONS:
            return left
        token = self.token
        if token.kind == "op" and token.text in COMPARATORS:
            self.take()
            right = self.operand()
            return Compare(token.text, left, right)
        if self.at_keyword("BETWEEN"):
            self.take()
            low = self.operand()
            if not self.at_keyword("AND"):
                raise self.error()
            self.take()
            high = self.operand()
            return Between(left, low, high)
        if self.at_keyword("IN"):
            self.take()
            self.expect("(")
            options = [self.operand()]
            while self.at(","):
                self.take()
                options.append(self.operand())
            self.expect(")")
            return In(left, tuple(options))
        raise self.error()

    # --- update expressions -----------------------------------------------------------------

    def update(self) -> Update:
        actions: list[UpdateAction] = []
        seen: set[str] = set()
        if self.token.kind == "eof":
            raise self.error()
        while self.token.kind != "eof":
            token = self.token
            clause = token.text.upper() if token.kind == "name" else ""
            if clause not in CLAUSES:
                raise self.error()
            if clause in seen:
                raise ExpressionError(f'The "{clause}" section can only be used once in an update expression;')
            seen.add(clause)
            self.take()
            actions.append(self.update_action(clause))
            while self.at(","):
                self.take()
                actions.append(self.update_action(clause))
        return Update(tuple(actions))

    def update_action(self, clause: str) -> UpdateAction:
        path = self.path()
        if clause == "REMOVE":
            return UpdateAction(clause, path)
        if clause == "SET":
            self.expect("=")
            value = self.operand(update=True)
            if self.at("+") or self.at("-"):
                operator = self.take().text
                value = Arithmetic(operator, value, self.operand(update=True))
            return UpdateAction(clause, path, value)
        if self.token.kind != "value":
            raise self.error()
        return UpdateAction(clause, path, Value(self.take().text))

    # --- projections ------------------------------------------------------------------------

    def projection(self) -> tuple[Path, ...]:
        paths = [self.path()]
        while self.at(","):
            self.take()
            paths.append(self.path())
        return tuple(paths)


def _operand_kind(operand: Operand) -> str:
    return type(operand).__name__.upper()


def parse_condition(text: str) -> Condition:
    parser = Parser(text)
    result = parser.condition()
    parser.expect_end()
    return result


def parse_update(text: str) -> Update:
    parser = Parser(text)
    result = parser.update()
    parser.expect_end()
    return result


def parse_projection(text: str) -> tuple[Path, ...]:
    parser = Parser(text)
    result = parser.projection()
    parser.expect_end()
    return result
