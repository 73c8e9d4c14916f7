"""A count inside a translated sentence ("12.345 orang dalam daftar ini") is printed as
the reader's language groups digits, and still chooses the sentence's plural form."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.utils import translation

SENTENCE = Template(
    "{% load i18n numbers %}{% blocktranslate count n=value|grouped %}{{ n }} person in"
    " this list.{% plural %}{{ n }} people in this list.{% endblocktranslate %}"
)


@pytest.mark.parametrize(
    ("language", "value", "shown"),
    [
        ("en", 12_345, "12,345 people in this list."),
        ("id", 12_345, "12.345 orang dalam daftar ini."),
        ("en", 1, "1 person in this list."),
        ("en", 0, "0 people in this list."),
        ("id", 1_234_567, "1.234.567 orang dalam daftar ini."),
    ],
)
def test_a_count_in_a_sentence_is_grouped_in_the_readers_language(language, value, shown):
    with translation.override(language):
        assert SENTENCE.render(Context({"value": value})) == shown


def test_what_is_not_a_whole_number_is_left_as_it_is():
    template = Template("{% load numbers %}{{ value|grouped }}")
    for value in ("12345", None, True, 1.5):
        assert template.render(Context({"value": value})) == Template("{{ value }}").render(
            Context({"value": value})
        )
