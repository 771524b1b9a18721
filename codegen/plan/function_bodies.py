"""A simple function body as the one expression it returns, in the text the SQL compiler
takes (`SELECT <expr>` without FROM, `RETURN <expr>`, simple plpgsql), and constant
parameter DEFAULTs as Python literals: what the function plan compiles."""

from __future__ import annotations

import re

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError
from sqlglot.tokenizer_core import TokenType

from .. import plpgsql, sqlexpr
from ..dialect import of
from ..model import Function, Param
from ..naming import quoted
from ..render import literal


class NotSimple(Exception):
    pass


def expression(fn: Function, dialect: str, inputs: list[Param]) -> tuple[str, dict[str, int]]:
    """The one expression a simple SQL body returns, as the compiler takes it: `$n` and
    `fn.param` become plain parameter references, the rest of the text is kept as written.
    Returns (sql, compiler name -> parameter index)."""
    read = of(dialect).sqlglot
    if fn.returns.type is not None and fn.returns.type.category == "domain":
        raise NotSimple("a domain-typed result (the result's domain CHECK is not compiled)")
    if fn.language.lower() == "plpgsql":
        try:
            text = plpgsql.expression(fn)
        except plpgsql.NotSimple as why:
            raise NotSimple(str(why)) from None
        keys = {p.name if p.name is not None else f"${i + 1}": i for i, p in enumerate(inputs)}
        return _rewrite_references(text, read, fn.name.rpartition(".")[2], inputs), keys
    if fn.language.lower() != "sql":
        raise NotSimple(f"LANGUAGE {fn.language}")
    text = (fn.body or "").strip()
    statement = fn.body_style != "standard"
    atomic = re.fullmatch(r"BEGIN\s+ATOMIC\b(.*?)\bEND\s*;?", text, re.I | re.S)
    if fn.body_style == "standard" and atomic:
        text, statement = atomic.group(1).strip(), True
    text = re.sub(r"[\s;]+$", "", text)
    if statement:
        returned = re.fullmatch(r"RETURN\b(.*)", text, re.I | re.S)
        if returned:
            text, statement = returned.group(1).strip(), False
    try:
        if statement:
            trees = [t for t in sqlglot.parse(text, read=read) if t is not None]
            if len(trees) != 1 or not isinstance(trees[0], exp.Select):
                raise NotSimple("body is not a single SELECT")
            select = trees[0]
            extra = [
                k.rstrip("_").upper() for k, v in select.args.items() if v and k != "expressions"
            ]
            if extra or len(select.expressions) != 1:
                what = ", ".join(extra) or "several columns"
                raise NotSimple(f"body is not `SELECT <expression>` ({what})")
            tree = select.expressions[0]
            if isinstance(tree, exp.Alias):
                text, tree = tree.this.sql(dialect=read), tree.this
            else:
                text = re.sub(r"^\s*SELECT\b", "", text, count=1, flags=re.I).strip()
        else:
            tree = sqlglot.parse_one(text, read=read)
    except SqlglotError as error:
        first = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise NotSimple(f"body not parsed ({first})") from None
    bare = fn.name.rpartition(".")[2]
    for node in tree.walk():
        if (
            isinstance(node, exp.Column)
            and node.table
            and (node.table.lower() != bare.lower() or node.args.get("db"))
        ):
            raise NotSimple(f"qualified reference {node.sql(dialect=read)}")
    keys = {p.name if p.name is not None else f"${i + 1}": i for i, p in enumerate(inputs)}
    return _rewrite_references(text, read, bare, inputs), keys


def _rewrite_references(text: str, read: str, bare: str, inputs: list[Param]) -> str:
    """Token-level edits of the SQL text: `$n` -> "name", `fn.param` -> param."""
    try:
        tokens = sqlglot.Dialect.get_or_raise(read).tokenize(text)
    except SqlglotError as error:
        raise NotSimple(f"body not tokenized ({error})") from None
    edits: list[tuple[int, int, str]] = []  # (start, end exclusive, replacement)
    names = (TokenType.VAR, TokenType.IDENTIFIER)
    for i, tok in enumerate(tokens):
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if tok.token_type == TokenType.PARAMETER and nxt is not None and nxt.start == tok.end + 1:
            if not nxt.text.isdigit() or not 1 <= int(nxt.text) <= len(inputs):
                raise NotSimple(f"parameter reference ${nxt.text}")
            p = inputs[int(nxt.text) - 1]
            name = p.name if p.name is not None else f"${nxt.text}"
            edits.append((tok.start, nxt.end + 1, quoted(name)))
        elif (
            tok.token_type in names
            and nxt is not None
            and nxt.token_type == TokenType.DOT
            and i + 2 < len(tokens)
            and tokens[i + 2].token_type in names
            and (i == 0 or tokens[i - 1].token_type != TokenType.DOT)
            and (
                tok.text == bare
                if tok.token_type == TokenType.IDENTIFIER
                else tok.text.lower() == bare.lower()
            )
        ):
            edits.append((tok.start, nxt.end + 1, ""))
    for start, end, replacement in reversed(edits):
        text = text[:start] + replacement + text[end:]
    return text


def constant_default(sql: str, dialect: str, compiled: sqlexpr.Compiled) -> str | None:
    """Python source of the default's value when it is a constant (literals, casts,
    arithmetic); None when it must be evaluated per call (now(), gen_random_uuid())."""
    try:
        tree = sqlglot.parse_one(sql, read=of(dialect).sqlglot)
    except SqlglotError:
        return None
    for node in tree.walk():
        if isinstance(node, (exp.Column, exp.Parameter, exp.Placeholder)):
            return None
        if isinstance(node, exp.Func) and not isinstance(node, (exp.Cast, exp.Array)):
            return None
    try:
        value = sqlexpr.load(compiled)[compiled.name]()
    except Exception:  # raises at call time instead, as the database would
        return None
    return literal(value)  # rpc.py imports date, datetime, time, Decimal and UUID by name
