"""The memo: computed once per key, and only what a run used is kept for the next one."""

from __future__ import annotations

from codegen.memo import Memo
from codegen.render import Formatter


def test_memo_computes_once_and_keeps_what_was_used() -> None:
    calls: list[str] = []

    def compute(text: str) -> str:
        calls.append(text)
        return text.upper()

    memo = Memo()
    assert memo("k", "a", lambda: compute("a")) == "A"
    assert memo("k", "a", lambda: compute("a")) == "A"
    assert memo("k", "b", lambda: compute("b")) == "B"
    assert calls == ["a", "b"]
    warm = Memo(memo.kept())
    assert warm("k", "a", lambda: compute("again")) == "A"  # a hit: nothing computed
    assert calls == ["a", "b"]
    assert list(warm.kept()) == [k for k in memo.kept() if k in warm.used]  # b unused: dropped
    assert len(warm.kept()) == 1


def test_formatter_blocks_and_plan_texts_share_one_store() -> None:
    f = Formatter()
    f.memo("bounds", "x > 0", lambda: "{}")
    f.format_file("x  =  1\n")
    again = Formatter.from_json(f.to_json())
    assert again.memo("bounds", "x > 0", lambda: "recomputed") == "{}"
    again.format_file("x  =  1\n")
    assert again.formatted_blocks == 0
