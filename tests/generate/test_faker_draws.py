"""The runtime's Faker instance is quickened (`_runtime._quicken`: weighted lists drawn from
cumulative weights kept per list, lorem's word list read in place) and must draw exactly
what a plain Faker draws: same seed, same values, provider by provider, in several locales."""

from __future__ import annotations

import inspect
import re
import subprocess
import sys
from collections import OrderedDict
from typing import Any

import pytest
from faker import Faker

from codegen.runtimes import _quickfaker, _runtime
from codegen.valuegen import NAME_RULES, TEXT_DEFAULT

# providers whose value depends on the wall clock, or that need optional packages
CLOCK = ("date", "time", "year", "month", "day", "century", "iso8601", "unix", "pytimezone")
SKIP = {"image", "xml", "tar", "zip", "dsv", "csv", "tsv", "psv", "json", "fixed_width",
        "binary", "enum", "pystruct", "pyobject", "pyiterable", "pylist", "pyset", "pytuple",
        "pydict", "profile", "simple_profile", "passport_dob", "passport_dates",
        "passport_full", "seed", "seed_instance", "seed_locale"}  # fmt: skip


def _pair(locale: str) -> tuple[Faker, Faker]:
    plain, quick = Faker(locale), Faker(locale)
    _quickfaker.quicken(quick)
    return plain, quick


def _zero_argument_providers(fake: Faker) -> list[str]:
    names = []
    for name in dir(fake.factories[0]):
        if name.startswith("_") or name in SKIP or any(word in name for word in CLOCK):
            continue
        method = getattr(fake.factories[0], name)
        if not callable(method) or not inspect.ismethod(method):
            continue
        params = inspect.signature(method).parameters.values()
        if all(p.default is not p.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
               for p in params):  # fmt: skip
            names.append(name)
    return names


def _draws(fake: Faker, seed: int, calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]]) -> Any:
    fake.seed_instance(seed)
    out = []
    for name, args, kwargs in calls:
        try:
            out.append(re.sub(" at 0x[0-9a-f]+", "", repr(getattr(fake, name)(*args, **kwargs))))
        except Exception as error:  # both must fail alike
            out.append(f"{type(error).__name__}: {error}")
    return out


def test_schemagen_providers_draw_as_plain_faker() -> None:
    """Every provider the name rules choose, many times over, interleaved as rows draw."""
    plain, quick = _pair("en_US")
    chosen = {p for _, _, p in NAME_RULES if isinstance(p, str) and hasattr(plain, p)}
    calls = [(name, (), {}) for name in sorted(chosen | {TEXT_DEFAULT})] * 60
    assert len(chosen) > 15
    for seed in (0, 1, 99):
        assert _draws(quick, seed, calls) == _draws(plain, seed, calls)


@pytest.mark.parametrize("locale", ["en_US", "de_DE", "ja_JP", "fr_FR", "pt_BR"])
def test_every_provider_draws_as_plain_faker(locale: str) -> None:
    plain, quick = _pair(locale)
    names = _zero_argument_providers(plain)
    assert len(names) > 100
    calls = [(name, (), {}) for name in names] * 3
    assert _draws(quick, 7, calls) == _draws(plain, 7, calls)


def test_arguments_draw_as_plain_faker() -> None:
    """What an override in the config may pass: lists of its own, weights, unique draws."""
    plain, quick = _pair("en_US")
    weights = OrderedDict([("a", 0.5), ("b", 0.2), ("c", 0.3)])
    calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = [
        ("text", (), {"max_nb_chars": 20}),
        ("text", (), {"max_nb_chars": 80}),
        ("text", (), {"max_nb_chars": 600, "ext_word_list": ["x", "y", "z"]}),
        ("words", (), {"nb": 5, "ext_word_list": ("p", "q")}),
        ("words", (), {"nb": 5, "part_of_speech": "verb"}),
        ("words", (), {"nb": 3, "part_of_speech": "nonsense"}),
        ("words", (), {"nb": 4, "unique": True}),
        ("sentence", (), {"ext_word_list": {"only"}}),
        ("random_elements", (weights,), {"length": 7}),
        ("random_elements", (weights,), {}),
        ("random_elements", (weights,), {"unique": True}),
        ("random_elements", (weights,), {"use_weighting": False, "length": 3}),
        ("random_elements", ({"a": 1},), {}),
        ("random_element", (weights,), {}),
        ("random_choices", ("abc",), {"length": 4}),
    ] * 20
    assert _draws(quick, 3, calls) == _draws(plain, 3, calls)


def _own_draws(fake: Faker, seed: int, calls: list[tuple[str, str, tuple[Any, ...]]]) -> Any:
    """Calls made on the generator and a provider themselves (as providers call each other):
    `fake.numerify` is the provider's method as Faker first bound it, not the quickened one."""
    fake.seed_instance(seed)
    generator = fake.factories[0]
    provider = generator.providers[0]
    out = []
    for where, name, args in calls:
        target = generator if where == "generator" else provider
        try:
            out.append(repr(getattr(target, name)(*args)))
        except Exception as error:  # both must fail alike
            out.append(f"{type(error).__name__}: {error}")
    return out


@pytest.mark.parametrize("locale", ["en_US", "de_DE", "ja_JP"])
def test_placeholders_patterns_and_elements_draw_as_plain_faker(locale: str) -> None:
    """numerify / lexify / bothify without their regex passes, parse() with its patterns
    split once, random_element() as one draw: odd texts, arguments and errors included."""
    plain, quick = _pair(locale)
    weights = OrderedDict([("a", 0.5), ("b", 0.2), ("c", 0.3)])
    for fake in (plain, quick):
        fake.factories[0].set_arguments("small", {"min_value": 1, "max_value": 9})
    calls: list[tuple[str, str, tuple[Any, ...]]] = [
        ("provider", "numerify", ()),
        ("provider", "numerify", ("###-%%%-$$$-!!!-@@@ #!%@$",)),
        ("provider", "numerify", ("",)),
        ("provider", "numerify", ("no marks",)),
        ("provider", "numerify", (None,)),
        ("provider", "lexify", ()),
        ("provider", "lexify", ("??-#-??",)),
        ("provider", "lexify", ("??", "xyz")),
        ("provider", "lexify", ("??", ["x", "y"])),
        ("provider", "bothify", ("## ?? %$!@",)),
        ("provider", "bothify", ("## ??", "AB")),
        ("provider", "random_element", ()),
        ("provider", "random_element", (("p", "q", "r"),)),
        ("provider", "random_element", (["p", "q"],)),
        ("provider", "random_element", ("pqrs",)),
        ("provider", "random_element", (weights,)),
        ("provider", "random_element", (OrderedDict([("a", 0), ("b", 0)]),)),
        ("provider", "random_element", (OrderedDict([("a", "x")]),)),
        ("provider", "random_element", ({"a": 1},)),
        ("provider", "random_element", ((),)),
        ("provider", "random_element", (range(5),)),
        ("generator", "parse", ("{{first_name}} {{last_name}}",)),
        ("generator", "parse", ("{{ first_name }}-{{first_name}}!",)),
        ("generator", "parse", ("plain",)),
        ("generator", "parse", ("{{pyint:small}} {{first_name}}",)),
        ("generator", "parse", ("{{pyint:missing}}",)),
        ("generator", "parse", ("{{first_name}} {{no_such_formatter}}",)),
        ("generator", "parse", (5,)),
    ] * 20
    assert _own_draws(quick, 4, calls) == _own_draws(plain, 4, calls)


def _odd_weights() -> list[OrderedDict[str, Any]]:
    """Weighted lists random.choices() takes or refuses: zero, negative, NaN, infinite and
    non-numeric weights, one entry, none."""
    return [
        OrderedDict([("a", 0.5), ("b", 0.2), ("c", 0.3)]),
        OrderedDict([("a", 3)]),
        OrderedDict([("a", -1), ("b", 3)]),
        OrderedDict([("a", 0), ("b", 0)]),
        OrderedDict([("a", -2), ("b", 1)]),
        OrderedDict([("a", float("nan")), ("b", 1)]),
        OrderedDict([("a", float("inf")), ("b", 1)]),
        OrderedDict([("a", "x")]),
        OrderedDict([("a", 1), ("b", "x")]),
        OrderedDict([("a", 1), ("b", None)]),
        OrderedDict(),
    ]


@pytest.mark.parametrize("first", ["random_element", "random_elements"])
def test_odd_weights_draw_and_fail_as_plain_faker(first: str) -> None:
    """random_element() and random_elements() keep one set of running sums per list: the
    same lists through both, either first, draw and fail as a plain Faker's do."""
    plain, quick = _pair("en_US")
    other = "random_elements" if first == "random_element" else "random_element"

    def calls() -> list[tuple[str, str, tuple[Any, ...]]]:  # each side its own lists
        made = [
            ("provider", name, (weights,)) for weights in _odd_weights() for name in (first, other)
        ]
        return made * 5

    assert _own_draws(quick, 6, calls()) == _own_draws(plain, 6, calls())


def test_the_runtime_instance_is_quickened() -> None:
    provider = next(p for p in _runtime.fake.factories[0].providers if hasattr(p, "word_list"))
    assert "random_elements" in vars(provider)
    assert "get_words_list" in vars(provider)


@pytest.mark.parametrize("locale", ["en_US", "de_DE", "ja_JP", "fr_FR", "pt_BR", "en_GB"])
def test_one_draw_word_is_fakers_word(locale: str) -> None:
    plain, quick = _pair(locale)
    word = _quickfaker.one_draw_word(quick)
    assert word is not None  # every one of these locales keeps Faker's own lorem methods
    plain.seed_instance(11)
    quick.seed_instance(11)
    assert [word() for _ in range(500)] == [plain.word() for _ in range(500)]


def test_the_runtime_draws_words_as_plain_faker() -> None:
    """The runtime's own word draws (text columns without a name rule, JSON keys)."""
    plain = Faker(_runtime.LOCALE)
    _runtime.reset(5)
    plain.seed_instance(5)
    assert _quickfaker.one_draw_word(_runtime.fake) is not None  # not the fallback
    ours = [_runtime._provide("word") for _ in range(300)]
    assert ours == [plain.word() for _ in range(300)]
    assert [_runtime._provide("name") for _ in range(100)] == [plain.name() for _ in range(100)]


_FIRST_USE = """
from faker import Faker
from codegen.runtimes import _runtime as sg
assert sg._fake is None, "made on import"
sg.reset(9)
assert sg._fake is None, "made by reset()"
ours = [sg._provide("name") for _ in range(50)] + [sg.fake_word() for _ in range(50)]
assert sg._fake is not None
plain = Faker(sg.LOCALE)
plain.seed_instance(9)
assert ours == [plain.name() for _ in range(50)] + [plain.word() for _ in range(50)], ours
sg.reset(9)  # reseeds the instance now that it exists
assert [sg._provide("name") for _ in range(50)] == ours[:50]
print("ok")
"""


def test_faker_is_made_on_first_draw_seeded_as_reset_left_it() -> None:
    """Importing the runtime makes no Faker instance (30-60 ms of locale loading); the first
    draw makes it, seeded as reset() left it, so the values are those of an eager instance."""
    done = subprocess.run(
        [sys.executable, "-c", _FIRST_USE], capture_output=True, text=True, check=False
    )
    assert done.stdout.strip() == "ok", done.stderr
