"""Shortened quotes: cut at a word boundary and marked with "…", never closed as if whole."""

from __future__ import annotations

from corpus.display import shorten


def test_a_long_quote_is_cut_at_a_word_and_marked():
    quote = "Sở Xây dựng sẽ phối hợp với các địa phương, không để tình trạng này kéo dài"
    short = shorten(quote, 50)
    assert short.endswith("…") and len(short) <= 51
    assert quote.startswith(short[:-1]) and quote[len(short) - 1] == " "  # the cut falls between two words


def test_a_short_quote_is_whole_on_one_line():
    assert shorten("Xin cảm ơn\nđại biểu.", 50) == "Xin cảm ơn đại biểu."
    assert shorten(None, 10) == ""


def test_one_long_word_is_cut_inside_it_but_still_marked():
    assert shorten("x" * 30, 10) == "x" * 10 + "…"
