"""Faker drawing the same values, faster: the factories' own Faker instance is quickened here.

Copied verbatim into generated packages (stdlib and Faker only). Faker's weighted lists
(first and last names, cities, ...) are OrderedDicts whose weights random.choices()
accumulates again on every draw: thousands of names, most of name()'s and email()'s time.
Its lorem provider copies its word list twice per sentence. `quicken()` makes a Faker
instance draw from cumulative weights computed once per list (random.choices with
cum_weights makes the same draws) and read the word list in place: the values stay
byte-identical to a plain Faker's (tests/generate/test_faker_draws.py, provider by provider).
"""

from __future__ import annotations

import collections
import itertools
from collections.abc import Callable
from typing import Any


def quicken(instance: Any) -> None:
    """Give every provider of `instance` the shortcuts below (in place)."""
    for generator in instance.factories:
        for provider in generator.providers:
            provider.random_elements = _weighted(provider, provider.random_elements)
            if callable(getattr(provider, "get_words_list", None)):
                provider.get_words_list = _word_list(provider, provider.get_words_list)
            if _plain_lorem(provider):
                provider.sentence = _sentence(provider, provider.sentence)
                provider.paragraph = _paragraph(provider, provider.paragraph)


def _weighted(provider: Any, original: Callable[..., Any]) -> Callable[..., Any]:
    """random_elements() of one provider, with each weighted list's sums kept."""
    sums: dict[int, tuple[Any, tuple[Any, ...], list[Any]]] = {}

    def random_elements(
        elements: Any = ("a", "b", "c"),
        length: int | None = None,
        unique: bool = False,
        use_weighting: bool | None = None,
    ) -> Any:
        weighted = provider.__use_weighting__ if use_weighting is None else use_weighting
        if unique or not weighted or type(elements) is not collections.OrderedDict:
            return original(elements, length, unique, use_weighting)
        draw = provider.generator.random
        if length is None:
            length = draw.randint(1, len(elements))
        known = sums.get(id(elements))
        if known is None:  # the entry holds `elements`, so no other object takes its id
            known = (elements, tuple(elements), list(itertools.accumulate(elements.values())))
            sums[id(elements)] = known
        return draw.choices(known[1], cum_weights=known[2], k=length)

    return random_elements


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
        words, draw = provider.word_list, generator.random
        if variable_nb_words:  # randomize_nb_elements(nb_words, min=1)
            nb_words = max(int(nb_words * draw.randint(60, 140) / 100), 1)
        picked = [draw.choice(words)] if nb_words == 1 else draw.choices(words, k=nb_words)
        picked[0] = picked[0].title()
        return str(provider.word_connector.join(picked) + provider.sentence_punctuation)

    return sentence


def _paragraph(provider: Any, original: Callable[..., Any]) -> Callable[..., str]:
    """paragraph() (text()'s unit) calling the quick sentence() directly."""
    generator, sentence = provider.generator, provider.sentence

    def paragraph(
        nb_sentences: int = 3, variable_nb_sentences: bool = True, ext_word_list: Any = None
    ) -> str:
        if ext_word_list is not None or nb_sentences <= 0:
            return str(original(nb_sentences, variable_nb_sentences, ext_word_list))
        if variable_nb_sentences:  # randomize_nb_elements(nb_sentences, min=1)
            nb_sentences = max(int(nb_sentences * generator.random.randint(60, 140) / 100), 1)
        return str(provider.word_connector.join([sentence() for _ in range(nb_sentences)]))

    return paragraph


def one_draw_word(instance: Any) -> Callable[[], str] | None:
    """fake.word() as the one draw it makes (random.choice of the word list)."""
    provider = getattr(getattr(instance, "word", None), "__self__", None)
    if len(instance.factories) != 1 or not _plain_lorem(provider):
        return None
    words, generator = provider.word_list, provider.generator  # type: ignore[union-attr]
    return lambda: str(generator.random.choice(words))
