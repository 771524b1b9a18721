"""Faker drawing the same values, faster: the factories' own Faker instance is quickened here.

Copied verbatim into generated packages (stdlib and Faker only). Faker's weighted lists
(first and last names, cities, ...) are OrderedDicts whose weights random.choices()
accumulates again on every draw: thousands of names, most of name()'s and email()'s time.
Its lorem provider copies its word list twice per sentence. `quicken()` makes a Faker
instance draw from cumulative weights computed once per list (random.choices with
cum_weights makes the same draws) and read the word list in place. The glue between draws
cost as much again: parse() runs a regex substitution with a callback per `{{token}}`,
numerify() five regex passes with a lambda per digit (a phone number), random_element()
three calls for one random.choice(); here each pattern is split once and filled by the same
methods in the same order. The values stay byte-identical to a plain Faker's
(tests/generate/test_faker_draws.py, provider by provider, odd arguments and errors too).
"""

from __future__ import annotations

import bisect
import collections
import itertools
import math
import random
import re
import string
from collections.abc import Callable
from typing import Any


def quicken(instance: Any) -> None:
    """Give every provider of `instance` the shortcuts below (in place)."""
    from faker.providers import BaseProvider

    for generator in instance.factories:
        generator.parse = _parse(generator, generator.parse)
        for provider in generator.providers:
            kind = type(provider)
            sums: dict[int, Any] = {}  # each weighted list's running sums (_kept), both use
            provider.random_elements = _weighted(provider, provider.random_elements, sums)
            if kind.random_element is BaseProvider.random_element:
                provider.random_element = _one_element(provider, provider.random_element, sums)
            if kind.numerify is BaseProvider.numerify:
                provider.numerify = _numerify(provider, provider.numerify)
            if kind.lexify is BaseProvider.lexify:
                provider.lexify = _lexify(provider, provider.lexify)
            if callable(getattr(provider, "get_words_list", None)):
                provider.get_words_list = _word_list(provider, provider.get_words_list)
            if _plain_lorem(provider):
                provider.sentence = _sentence(provider, provider.sentence)
                provider.paragraph = _paragraph(provider, provider.paragraph)


def _weighted(
    provider: Any, original: Callable[..., Any], sums: dict[int, Any]
) -> Callable[..., Any]:
    """random_elements() of one provider, with each weighted list's sums kept."""

    def random_elements(
        elements: Any = ("a", "b", "c"),
        length: int | None = None,
        unique: bool = False,
        use_weighting: bool | None = None,
    ) -> Any:
        weighted = provider.__use_weighting__ if use_weighting is None else use_weighting
        if unique or not weighted or type(elements) is not collections.OrderedDict:
            return original(elements, length, unique, use_weighting)
        known = sums.get(id(elements), _UNSEEN)
        if known is _UNSEEN:
            known = _kept(sums, elements)
        if known is None:  # weights random.choices() refuses: Faker's own call raises
            return original(elements, length, unique, use_weighting)
        draw = provider.generator.random
        if length is None:
            length = draw.randint(1, len(elements))
        return draw.choices(known[1], cum_weights=known[2], k=length)

    return random_elements


def _one_element(
    provider: Any, original: Callable[..., Any], sums: dict[int, Any]
) -> Callable[..., Any]:
    """random_element(), which is random_elements(elements, length=1)[0]: for a sequence,
    the one random.choice() that makes; for a weighted list, the one bisection of the kept
    sums that random.choices(k=1) makes (same draw, same checks, made once per list)."""

    def random_element(elements: Any = ("a", "b", "c")) -> Any:
        draw = provider.generator.random
        kind = type(elements)
        if (kind is tuple or kind is list or kind is str) and hasattr(draw, "choices"):
            return draw.choice(elements)  # what choices_distribution() does for one
        if kind is collections.OrderedDict and provider.__use_weighting__:
            known = sums.get(id(elements), _UNSEEN)
            if known is _UNSEEN:
                known = _kept(sums, elements)
            if known is not None and type(draw).choices is random.Random.choices:
                keys, cum, total = known[1], known[2], known[3]
                return keys[bisect.bisect(cum, draw.random() * total, 0, len(keys) - 1)]
        return original(elements)

    return random_element


def _kept(sums: dict[int, Any], elements: Any) -> Any:
    """The running sums of `elements` (_cumulative) on its first draw, kept for the next
    ones (looked up by the callers themselves: a call less per draw)."""
    known = _cumulative(elements)
    if known is not None:  # it holds `elements`: the id stays its (a refused list's would not)
        sums[id(elements)] = known
    return known


def _cumulative(elements: Any) -> tuple[Any, tuple[Any, ...], list[Any], float] | None:
    """The list, its keys, their running sums and total, as random.choices() takes them;
    None where it would raise (Faker's own call then raises its own error)."""
    try:
        cum = list(itertools.accumulate(elements.values()))
        total = cum[-1] + 0.0 if cum else 0.0
    except TypeError:
        return None
    return (elements, tuple(elements), cum, total) if 0.0 < total < math.inf else None


# numerify()'s marks in the order it replaces them (one regex pass each), and their draws
_NUMERIFY = (
    ("#", "random_digit"),
    ("%", "random_digit_not_null"),
    ("$", "random_digit_above_two"),
    ("!", "random_digit_or_empty"),
    ("@", "random_digit_not_null_or_empty"),
)


def _places(places: dict[str, Any], text: str, marks: tuple[tuple[str, str], ...]) -> Any:
    """Where each mark of `text` is, in the order Faker's passes fill them (every '#' left
    to right, then every '%', ...; a value put in never makes a new mark), kept per text."""
    found = places.get(text)
    if found is None:
        found = [(i, name) for mark, name in marks for i, ch in enumerate(text) if ch == mark]
        if len(places) < 4096:  # the providers' formats; a caller's own texts are not kept
            places[text] = found
    return found


# BaseProvider's digit draws that are one randint(low, 9): low + _randbelow(10 - low)
_DIGITS = {"random_digit": 0, "random_digit_not_null": 1, "random_digit_above_two": 2}


def _numerify(provider: Any, original: Callable[..., str]) -> Callable[..., str]:
    """numerify() without five regex passes and a lambda per mark: the same provider
    methods draw each digit, in the same order; a plain digit (random_digit(): one
    randint(0, 9)) is the _randbelow(10) it comes to, where random.Random's own methods
    draw and the provider keeps BaseProvider's."""
    from faker.providers import BaseProvider

    places: dict[str, Any] = {}
    kind = type(provider)
    plain = {n: low for n, low in _DIGITS.items() if getattr(kind, n) is getattr(BaseProvider, n)}

    def numerify(text: str = "###") -> str:
        if type(text) is not str:
            return original(text)
        found = _places(places, text, _NUMERIFY)
        if not found:
            return text
        out = list(text)
        draw = provider.generator.random
        quick = plain if _plain_random(draw) else {}
        for i, name in found:
            low = quick.get(name)
            if low is None:
                out[i] = str(getattr(provider, name)())
            else:
                out[i] = str(low + draw._randbelow(10 - low))
        return "".join(out)

    return numerify


def _lexify(provider: Any, original: Callable[..., str]) -> Callable[..., str]:
    """lexify() without a regex pass and a lambda per '?': random_element(letters) each."""
    places: dict[str, Any] = {}

    def lexify(text: str = "????", letters: str = string.ascii_letters) -> str:
        if type(text) is not str or type(letters) is not str:
            return original(text, letters)
        found = _places(places, text, (("?", ""),))
        if not found:
            return text
        out = list(text)
        for i, _ in found:
            out[i] = provider.random_element(letters)
        return "".join(out)

    return lexify


def _parse(generator: Any, original: Callable[[str], str]) -> Callable[[str], str]:
    """Generator.parse() ("{{first_name}} {{last_name}}") with each pattern split once:
    the same formatters called left to right, as its regex substitution calls them; a
    pattern with an argument group (`{{name:group}}`) goes to Faker's own."""
    plans: dict[str, Any] = {}

    def parse(text: str) -> str:
        if type(text) is not str:
            return original(text)
        plan = plans.get(text, _UNSEEN)
        if plan is _UNSEEN:
            plan = _split(text)
            if len(plans) < 4096:  # the providers' formats; a caller's own texts are not kept
                plans[text] = plan
        if plan is None:
            return original(text)
        out = list(plan)
        for i in range(1, len(plan), 2):
            make = getattr(generator, plan[i], None)
            if make is None:
                make = generator.get_formatter(plan[i])  # raises Faker's own error
            out[i] = str(make())
        return "".join(out)

    return parse


_TOKEN = re.compile(r"\{\{\s*(\w+)(:\s*\w+?)?\s*\}\}")  # faker.generator._re_token


_UNSEEN = object()


def _split(text: str) -> tuple[str, ...] | None:
    """Literal text and formatter names, alternating; None if a token has arguments."""
    parts = _TOKEN.split(text)
    if any(parts[i] is not None for i in range(2, len(parts), 3)):
        return None
    return tuple(p for i, p in enumerate(parts) if i % 3 != 2)


def _word_list(provider: Any, original: Callable[..., Any]) -> Callable[..., Any]:
    """get_words_list() without its copy: its callers only draw from the list."""

    def get_words_list(part_of_speech: str | None = None, ext_word_list: Any = None) -> Any:
        found = provider.word_list if ext_word_list is None else ext_word_list
        if (part_of_speech and ext_word_list is None) or not isinstance(found, (list, tuple)):
            return original(part_of_speech, ext_word_list)
        return found

    return get_words_list


_LOREM_OWN = ("word", "words", "sentence", "sentences", "paragraph", "get_words_list")
_SAMPLING = ("random_choices", "random_elements", "randomize_nb_elements")


def _plain_lorem(provider: Any) -> bool:
    """A lorem provider that draws words through Faker's own methods: the shortcuts below
    make the same draws in fewer calls."""
    from faker.providers import BaseProvider
    from faker.providers.lorem import Provider as Lorem

    kind = type(provider)
    return (
        isinstance(provider, Lorem)
        and all(getattr(kind, n) is getattr(Lorem, n) for n in _LOREM_OWN)
        and all(getattr(kind, n) is getattr(BaseProvider, n) for n in _SAMPLING)
        and isinstance(getattr(provider, "word_list", None), (list, tuple))
        and hasattr(provider.generator.random, "choices")
    )


def _sentence(provider: Any, original: Callable[..., Any]) -> Callable[..., str]:
    """sentence() (text() and paragraph() are made of them) drawing its words at once, as
    words() ends up doing: one random.choice for one word, else random.choices."""
    generator = provider.generator

    def sentence(
        nb_words: int = 6, variable_nb_words: bool = True, ext_word_list: Any = None
    ) -> str:
        if ext_word_list is not None or nb_words <= 0:
            return str(original(nb_words, variable_nb_words, ext_word_list))
        return _sentences(provider, generator.random, 1, nb_words, variable_nb_words)[0]

    return sentence


def _paragraph(provider: Any, original: Callable[..., Any]) -> Callable[..., str]:
    """paragraph() (text()'s unit): its sentences drawn in one loop, as sentence() draws
    them."""
    generator = provider.generator

    def paragraph(
        nb_sentences: int = 3, variable_nb_sentences: bool = True, ext_word_list: Any = None
    ) -> str:
        if ext_word_list is not None or nb_sentences <= 0:
            return str(original(nb_sentences, variable_nb_sentences, ext_word_list))
        draw = generator.random
        if variable_nb_sentences:  # randomize_nb_elements(nb_sentences, min=1)
            nb_sentences = max(int(nb_sentences * draw.randint(60, 140) / 100), 1)
        return str(provider.word_connector.join(_sentences(provider, draw, nb_sentences, 6, True)))

    return paragraph


def _sentences(provider: Any, draw: Any, count: int, nb_words: int, variable: bool) -> list[str]:
    """`count` sentences as sentence(nb_words, variable) draws them one after another. With
    random.Random's own methods, randint(60, 140) is the 60 + _randbelow(81) it comes to, and
    random.choices(words, k=k) its k floor(random() * n) picks, made here without the
    calls around them."""
    words, connector = provider.word_list, provider.word_connector
    stop = provider.sentence_punctuation
    plain = _plain_random(draw)
    below: Any = getattr(draw, "_randbelow", None)
    pick, n = draw.random, len(words) + 0.0
    out = []
    for _ in range(count):
        k = nb_words
        if variable:  # randomize_nb_elements(nb_words, min=1)
            k = max(int(k * (60 + below(81) if plain else draw.randint(60, 140)) / 100), 1)
        if k == 1:
            picked = [draw.choice(words)]
        elif plain:
            picked = [words[math.floor(pick() * n)] for _ in range(k)]
        else:
            picked = draw.choices(words, k=k)
        picked[0] = picked[0].title()
        out.append(str(connector.join(picked) + stop))
    return out


_RANDOM_OWN = ("randint", "randrange", "choices", "_randbelow")
_PLAIN: dict[type[Any], bool] = {}  # per class of the generator's Random: _plain_random()


def _plain_random(draw: Any) -> bool:
    """Whether `draw` draws with random.Random's own randint, randrange, choices and
    _randbelow (decided once per class): randint(a, b) is then a + _randbelow(b - a + 1)."""
    kind = type(draw)
    plain = _PLAIN.get(kind)
    if plain is None:
        own = all(getattr(kind, m, None) is getattr(random.Random, m) for m in _RANDOM_OWN)
        plain = _PLAIN[kind] = own
    return plain


def one_draw_word(instance: Any) -> Callable[[], str] | None:
    """fake.word() as the one draw it makes (random.choice of the word list)."""
    provider = getattr(getattr(instance, "word", None), "__self__", None)
    if len(instance.factories) != 1 or not _plain_lorem(provider):
        return None
    words, generator = provider.word_list, provider.generator  # type: ignore[union-attr]
    return lambda: str(generator.random.choice(words))
