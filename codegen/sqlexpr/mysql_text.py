"""MySQL text: comparisons under the column's collation, and the string functions.

A comparison of text follows the collation of the column it reads (the type carries it
as `collate x` or `character set x`, see the MySQL reader); a literal takes the column's.
Without either, MySQL 8's default `utf8mb4_0900_ai_ci` applies: case-insensitive and NO
PAD (`'a' = 'a '` is false). `_ci` collations of older versions and of MariaDB
(`utf8mb4_general_ci`, `utf8mb4_unicode_ci`, `latin1_swedish_ci`) are PAD SPACE: trailing
spaces do not count. What is exact is what the runtime checks at run time: `_bin` collations
compare code points; case-insensitive ones are reproduced for printable ASCII (equality)
and letters, digits and spaces (ordering); other text raises NotImplementedError quoting
the collation, since accent and symbol weights are not modelled.
"""

from __future__ import annotations

import re

from sqlglot import exp

from ..model import SqlType
from . import stypes as T
from .core import Compiler, Handler, Typed, Unsupported
from .stypes import family

# MySQL 8's server default; MariaDB's is utf8mb4_general_ci (PAD SPACE)
DEFAULT_COLLATION = "utf8mb4_0900_ai_ci"
# a character set's default collation, where it is not `<charset>_general_ci`
_CHARSET_DEFAULT = {"latin1": "latin1_swedish_ci", "utf8mb4": DEFAULT_COLLATION}
# character sets whose LENGTH() counts bytes as UTF-8 does, or one byte per character
_UTF8 = {"utf8mb4", "utf8mb3", "utf8"}
_SINGLE_BYTE = {"latin1", "ascii", "latin2", "latin5", "latin7", "greek", "hebrew",
                "cp1250", "cp1251", "cp1256", "cp1257", "koi8r", "koi8u"}  # fmt: skip


def collation(t: SqlType) -> str | None:
    """The collation of a text type (None: not text)."""
    if family(t) != "text":
        return None
    named = re.search(r" collate (\w+)", t.sql)
    if named:
        return named[1].lower()
    charset = re.search(r" character set (\w+)", t.sql)
    if charset:
        name = charset[1].lower()
        return _CHARSET_DEFAULT.get(name, f"{name}_general_ci")
    return DEFAULT_COLLATION


def charset(t: SqlType) -> str:
    named = re.search(r" character set (\w+)", t.sql)
    if named:
        return named[1].lower()
    found = re.search(r" collate (\w+)", t.sql)
    return found[1].lower().split("_")[0] if found else "utf8mb4"


def rules(name: str) -> tuple[bool, bool]:
    """(ignores case, PAD SPACE) of a collation."""
    if name == "binary":
        return False, False
    pad = "0900" not in name and "nopad" not in name
    if name.endswith("_bin"):
        return False, pad
    if name.endswith("_ci"):
        return True, pad
    raise Unsupported(f"comparison under collation {name}")


def text_collation(items: list[Typed]) -> str:
    """The collation a comparison of these operands uses: the columns' (literals coerce)."""
    named = {collation(t.type) for t in items if not t.is_const and not T.is_null(t.type)}
    named.discard(None)
    if len(named) > 1:
        raise Unsupported(f"comparison across collations {', '.join(sorted(map(str, named)))}")
    if named:
        return str(named.pop())
    return DEFAULT_COLLATION


def is_text(items: list[Typed]) -> bool:
    fams = {family(t.type) for t in items if not T.is_null(t.type)}
    return bool(fams) and fams <= {"text"}


def compare(op: str, left: Typed, right: Typed) -> Typed:
    name = text_collation([left, right])
    ci, pad = rules(name)
    args = f"{op!r}, {left.code}, {right.code}, {ci}, {pad}, {name!r}"
    return Typed(f"rt.sq_bool(rt.my_str_cmp({args}))", T.BIGINT)


def in_list(needle: Typed, items: list[Typed]) -> Typed:
    name = text_collation([needle, *items])
    ci, pad = rules(name)
    listed = ", ".join(t.code for t in items)
    code = f"rt.my_str_in({needle.code}, [{listed}], {ci}, {pad}, {name!r})"
    return Typed(f"rt.sq_bool({code})", T.BIGINT)


# --------------------------------------------------------------------------- functions


def _text(c: Compiler, node: exp.Expression | None, what: str) -> Typed:
    """A string argument: text as it is, an exact number as MySQL prints it."""
    if node is None:
        raise Unsupported(f"{what} without an argument")
    t = c.expr(node)
    fam = family(t.type)
    if fam in ("int", "numeric"):
        return Typed(f"rt.my_text({t.code})", T.TEXT)
    if not T.is_null(t.type) and fam != "text":
        raise Unsupported(f"{what} of {t.type.sql}")
    return t


def _int(c: Compiler, node: exp.Expression, what: str) -> Typed:
    t = c.expr(node)
    if not T.is_null(t.type) and family(t.type) != "int":
        raise Unsupported(f"{what} with a {t.type.sql} argument")
    return t


def h_case(fn: str) -> Handler:
    def handle(c: Compiler, node: exp.Expression) -> Typed:
        return Typed(f"rt.my_{fn}({_text(c, node.this, fn.upper()).code})", T.TEXT)

    return handle


def h_substring(c: Compiler, node: exp.Substring) -> Typed:
    s = _text(c, node.this, "SUBSTRING")
    start = _int(c, node.args["start"], "SUBSTRING")
    length = node.args.get("length")
    extra = f", {_int(c, length, 'SUBSTRING').code}" if length is not None else ""
    return Typed(f"rt.my_substr({s.code}, {start.code}{extra})", T.TEXT)


def h_side(fn: str) -> Handler:
    def handle(c: Compiler, node: exp.Expression) -> Typed:
        s = _text(c, node.this, fn.upper())
        n = _int(c, node.expression, fn.upper())
        return Typed(f"rt.my_{fn}({s.code}, {n.code})", T.TEXT)

    return handle


def h_length(c: Compiler, node: exp.Length) -> Typed:
    """CHAR_LENGTH counts characters; LENGTH bytes, in the argument's character set."""
    s = _text(c, node.this, "LENGTH")
    if not node.args.get("binary"):
        return Typed(f"rt.length({s.code})", T.BIGINT)
    cs = charset(s.type)
    if cs in _SINGLE_BYTE:
        return Typed(f"rt.length({s.code})", T.BIGINT)
    if cs not in _UTF8:
        raise Unsupported(f"LENGTH of {cs} text")
    return Typed(f"rt.my_octet_length({s.code})", T.BIGINT)


def h_trim(c: Compiler, node: exp.Trim) -> Typed:
    s = _text(c, node.this, "TRIM")
    where = str(node.args.get("position") or "BOTH").lower()
    if where not in ("both", "leading", "trailing"):
        raise Unsupported(f"TRIM({where.upper()} ...)")
    chars = node.args.get("expression")
    remove = _text(c, chars, "TRIM").code if chars is not None else "' '"
    return Typed(f"rt.my_trim({s.code}, {remove}, {where!r})", T.TEXT)


def h_replace(c: Compiler, node: exp.Replace) -> Typed:
    s = _text(c, node.this, "REPLACE")
    old = _text(c, node.expression, "REPLACE")
    new = _text(c, node.args.get("replacement"), "REPLACE")
    return Typed(f"rt.my_replace({s.code}, {old.code}, {new.code})", T.TEXT)


def h_pad(c: Compiler, node: exp.Pad) -> Typed:
    s = _text(c, node.this, "LPAD")
    n = _int(c, node.expression, "LPAD")
    fill = node.args.get("fill_pattern")
    if fill is None:
        raise Unsupported("LPAD/RPAD without a padding string")
    pad = _text(c, fill, "LPAD")
    left = bool(node.args.get("is_left"))
    return Typed(f"rt.my_pad({s.code}, {n.code}, {pad.code}, {left})", T.TEXT)


def h_substring_index(c: Compiler, node: exp.SubstringIndex) -> Typed:
    s = _text(c, node.this, "SUBSTRING_INDEX")
    delim = _text(c, node.args.get("delimiter"), "SUBSTRING_INDEX")
    count = _int(c, node.args["count"], "SUBSTRING_INDEX")
    return Typed(f"rt.my_substring_index({s.code}, {delim.code}, {count.code})", T.TEXT)


def _like(c: Compiler, node: exp.Like, escape: exp.Expression | None) -> Typed:
    """LIKE under the operand's collation (case-insensitive for _ci), character by
    character: trailing spaces count, unlike `=`. The escape character is `\\` by default."""
    s, pattern = _text(c, node.this, "LIKE"), _text(c, node.expression, "LIKE")
    ci, _pad = rules(name := text_collation([s, pattern]))
    esc = _text(c, escape, "ESCAPE").code if escape is not None else repr("\\")
    code = f"rt.my_like({s.code}, {pattern.code}, {ci}, {name!r}, {esc})"
    if node.args.get("negate"):
        code = f"rt.not_({code})"
    return Typed(f"rt.sq_bool({code})", T.BIGINT)


def h_like(c: Compiler, node: exp.Like) -> Typed:
    return _like(c, node, None)


def h_escape(c: Compiler, node: exp.Escape) -> Typed:
    if not isinstance(node.this, exp.Like):
        raise Unsupported(f"ESCAPE on {type(node.this).__name__}")
    return _like(c, node.this, node.expression)


def h_uuid(c: Compiler, node: exp.Expression) -> Typed:
    return Typed("rt.my_uuid()", T.TEXT)


def dispatch() -> dict[type, Handler]:
    return {
        exp.Lower: h_case("lower"),
        exp.Upper: h_case("upper"),
        exp.Substring: h_substring,
        exp.Left: h_side("left"),
        exp.Right: h_side("right"),
        exp.Length: h_length,
        exp.Trim: h_trim,
        exp.Replace: h_replace,
        exp.Pad: h_pad,
        exp.Uuid: h_uuid,
        exp.Like: h_like,
        exp.Escape: h_escape,
        exp.SubstringIndex: h_substring_index,
    }
