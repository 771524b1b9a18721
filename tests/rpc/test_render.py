"""The rendered rpc.py, one behaviour per test, the expected code inline (sqlacodegen style)."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path
from types import ModuleType

import black

from codegen.outputs import rpc as rpc_output
from codegen.render import LINE_LENGTH

from .conftest import Generated, generate_package

CALCULATE_TOTAL = """
CREATE FUNCTION calculate_total(price numeric, quantity integer, discount numeric DEFAULT 0)
RETURNS numeric
LANGUAGE sql IMMUTABLE
AS $$ SELECT round(price * quantity * (1 - discount / 100), 2) $$;
"""


def rendered(tmp_path: Path, sql: str, **options: object) -> dict[str, str]:
    path = tmp_path / "schema.sql"
    path.write_text(textwrap.dedent(sql), encoding="utf-8")
    return generate_package([path], **options).files


def block(source: str, start: str) -> str:
    """The top-level block of `source` starting with the line `start`, up to the next one."""
    lines = source.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith(start))
    end = next(
        (
            i
            for i in range(first + 1, len(lines))
            if lines[i] and not lines[i][0].isspace() and lines[i][0] != ")"
        ),
        len(lines),
    )
    return "\n".join(lines[first:end]).rstrip() + "\n"


def validate_code(actual: str, expected: str) -> None:
    assert actual == textwrap.dedent(expected).lstrip("\n")


def test_stub(tmp_path: Path) -> None:
    files = rendered(tmp_path, CALCULATE_TOTAL)
    validate_code(
        block(files["rpc.py"], "def calculate_total("),
        '''
        def calculate_total(price: Decimal, quantity: int, discount: Decimal = Decimal(0)) -> Decimal:
            """calculate_total(price numeric, quantity integer, discount numeric DEFAULT 0) RETURNS numeric
            LANGUAGE sql IMMUTABLE

            Implementation: compiled from the SQL body, unless a test registers one.

            SELECT round(price * quantity * (1 - discount / 100), 2)
            """
            result: Decimal = RPC.invoke(
                _F_calculate_total, price=price, quantity=quantity, discount=discount
            )
            return result
        ''',  # noqa: E501
    )


def test_description_and_compiled_body(tmp_path: Path) -> None:
    files = rendered(tmp_path, CALCULATE_TOTAL)
    validate_code(
        block(files["rpc.py"], "_F_calculate_total = "),
        """
        _F_calculate_total = Function(
            name="calculate_total",
            signature="calculate_total(price numeric, quantity integer, discount numeric DEFAULT 0) RETURNS numeric",
            params=(
                Param("price", Type("numeric", "numeric")),
                Param("quantity", Type("integer", "integer")),
                Param("discount", Type("numeric", "numeric"), Decimal(0)),
            ),
            shape="scalar",
            type=Type("numeric", "numeric"),
            body=_sql_body(calculate_total, 5),
            impl=_impl_calculate_total,
            impl_params=(0, 1, 2),
        )
        """,  # noqa: E501
    )
    assert (
        "def _impl_calculate_total(\n"
        "    price: Decimal | None, quantity: int | None, discount: Decimal | None\n"
        ") -> Decimal | None:"
    ) in files["rpc.py"]


def test_unnamed_parameters_are_positional_only(tmp_path: Path) -> None:
    files = rendered(
        tmp_path,
        """
        CREATE FUNCTION format_price(numeric, text) RETURNS text LANGUAGE sql IMMUTABLE STRICT
        AS $$ SELECT $2 || ' ' || round($1, 2)::text $$;
        """,
    )
    code = files["rpc.py"]
    assert "def format_price(arg1: Decimal, arg2: str, /) -> str:" in code
    assert "result: str = RPC.invoke(_F_format_price, arg1, arg2)" in code
    assert "impl_params=(1, 0)," in code  # the compiled body reads $2 first
    assert '"""postgres: \\"$2\\" || \' \' || round(\\"$1\\", 2)::text"""' in code


def test_left_out_functions_are_listed_and_noted(tmp_path: Path) -> None:
    sql = """
    CREATE TABLE t (id integer, touched timestamptz);
    CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
    CREATE PROCEDURE purge(days integer DEFAULT 30) LANGUAGE sql AS 'DELETE FROM t';
    """
    path = tmp_path / "schema.sql"
    path.write_text(textwrap.dedent(sql), encoding="utf-8")
    package = generate_package([path])
    code = package.files["rpc.py"]
    assert (
        "# Not callable through RPC, so left out:\n"
        "# touch() RETURNS trigger: trigger function\n"
        "# purge(days integer DEFAULT 30): procedure\n"
    ) in code
    assert "def touch" not in code and "def purge" not in code
    notes = [str(w) for w in package.warnings]
    assert any(
        "touch: trigger function, not callable through RPC; left out of rpc.py" in n for n in notes
    )
    assert any("purge: procedure, not callable through RPC" in n for n in notes)


def test_sql_cannot_escape_the_generated_python(tmp_path: Path, generated: Generated) -> None:
    """Names, bodies and defaults full of quotes, backslashes and control characters."""
    sql = generated.sql(
        "hostile",
        r'''
        CREATE FUNCTION "x""); import os #"("a b" integer, "class" text DEFAULT 'it''s """ \',
                                            "if" integer DEFAULT 1)
        RETURNS text LANGUAGE sql
        AS $body$ SELECT '"""; raise SystemExit #' || "class" || '\' || chr(7) || 'BEL' $body$;
        COMMENT ON FUNCTION "x""); import os #"(integer, text, integer) IS 'ends with a quote"';
        '''.replace("BEL", "\a\u2028"),
    )
    package = generate_package([sql])
    code = package.files["rpc.py"]
    ast.parse(code)
    pkg: ModuleType = generated.package("rpcrender_hostile", [sql])
    fns = pkg.rpc.FUNCTIONS['x"); import os #']
    assert [p.name for p in fns[0].params] == ["a b", "class", "if"]
    assert fns[0].params[1].default == 'it\'s """ \\'
    stub = pkg.rpc.x_import_os  # the name made an identifier
    assert 'SELECT \'"""; raise SystemExit #\' || "class" || \'\\\' || chr(7)' in stub.__doc__
    assert "|| '\a\u2028'" in stub.__doc__  # escaped in the source, intact in the docstring
    assert 'ends with a quote"' in stub.__doc__
    # the body is written once, in the docstring; the Function reads it back intact
    body = "SELECT '\"\"\"; raise SystemExit #' || \"class\" || '\\' || chr(7) || '\a\u2028'"
    assert fns[0].body == body
    assert code.count("raise SystemExit") == 1
    with pkg.RPC.override('x"); import os #', lambda **kw: kw):
        assert pkg.RPC.call('x"); import os #', **{"a b": 1}) == {
            "a b": 1, "class": "it's \"\"\" \\", "if": 1,
        }  # fmt: skip
        assert stub(1, class_="c", if_=2) == {"a b": 1, "class": "c", "if": 2}


def test_docstring_escapes() -> None:
    text = 'a """ b \\ c \x07 d \u2028 e'
    literal = rpc_output.docstring(text, indent=4)
    assert ast.literal_eval(literal) == text


def test_the_runtimes_are_black_formatted(tmp_path: Path) -> None:
    """The runtimes are written verbatim (black would take a second per generate); their
    settings come from the config through `_settings.py`."""
    files = rendered(tmp_path, CALCULATE_TOTAL, seed=7, locale="de_DE", strict_rpc=True)
    mode = black.Mode(line_length=LINE_LENGTH, target_versions={black.TargetVersion.PY311})
    for rel in ("_rpcruntime.py", "_runtime.py", "_settings.py"):
        body = files[rel].split("\n", 2)[2]  # after the two header lines
        assert black.format_str(body, mode=mode) == body, rel
    settings = files["_settings.py"]
    assert "SEED = 7\n" in settings and 'LOCALE = "de_DE"\n' in settings
    assert "STRICT = True  #" in settings


def test_the_package_reexports_the_clients(tmp_path: Path) -> None:
    init = rendered(tmp_path, CALCULATE_TOTAL)["__init__.py"]
    assert "from .rpc import RPC, AsyncRPC, RPCError" in init
