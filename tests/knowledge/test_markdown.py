"""Article text: Markdown rendered safe (the XSS corpus inert), headings under the page's title, links marked,
only the article's own pictures. Pure: no app."""

import re
import subprocess
import sys

import pytest

from blueprints.knowledge.diff import difference
from blueprints.knowledge.markdown import EXTERNAL_REL, plain_text, render

XSS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "<svg onload=alert(1)><circle r=1 /></svg>",
    "[klick](javascript:alert(1))",
    "[klick](JaVaScRiPt:alert(1))",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<a href="javascript:alert(1)">a</a>',
    "<div onclick=alert(1)><p>obalanserad",
    "<iframe src=https://evil.example></iframe>",
    '<p style="background:url(javascript:alert(1))">x</p>',
    "![x](javascript:alert(1))",
    '[x](https://ok.example "title" onmouseover=alert(1))',
]


@pytest.mark.parametrize("attack", XSS)
def test_the_xss_corpus_renders_inert(attack):
    html = render(f"Text före\n\n{attack}\n\nText efter").lower()
    tags = re.findall(r"<[^>]+>", html)  # what a browser would act on; the rest is shown as text
    assert all(re.match(r"</?(p|a|img|em|strong)[ >/]", tag) for tag in tags), (attack, tags)
    assert not [tag for tag in tags if re.search(r"\son\w+=|javascript:|data:|style=", tag)], (attack, tags)
    assert "text efter" in html


def test_headings_follow_the_pages_title_without_gaps():
    html = render("# Ett\n\n### Tre\n\n#### Fyra\n\n# Ett igen")
    assert "<h2>Ett</h2>" in html and "<h3>Tre</h3>" in html and "<h4>Fyra</h4>" in html
    assert "<h1" not in html and "<h5" not in html


def test_tables_have_column_headers_and_external_links_are_marked():
    html = render(
        "| Steg | Veckor |\n|---|--:|\n| Utmaning | 2 |\n\n[extern](https://example.org) [intern](/kunskap/2)"
    )
    assert '<th scope="col">Steg</th>' in html and "<td>2</td>" in html and "align" not in html
    assert f'<a href="https://example.org" rel="{EXTERNAL_REL}">extern</a>' in html
    assert '<a href="/kunskap/2">intern</a>' in html


def test_only_the_articles_own_pictures_are_shown():
    html = render(
        "![Karta](/kunskap/3/bilagor/4) ![Spårare](https://evil.example/p.png)",
        allowed_image=lambda src: src == "/kunskap/3/bilagor/4",
    )
    assert '<img src="/kunskap/3/bilagor/4" alt="Karta">' in html
    assert "evil.example" not in html and "Spårare" in html


def test_a_100_kb_body_renders():
    body = ("## Avsnitt\n\n" + "Text med *betoning* och [länk](https://a.se). " * 40 + "\n\n- a\n- b\n\n") * 55
    assert len(body) > 100_000
    html = render(body)
    assert html.count("<h2>") == 55 and plain_text(html).startswith("Avsnitt Text med betoning")


def test_a_difference_marks_removed_and_added_words():
    pieces = difference("Hej på dig\nrad två\n", "Hej på er\nrad två\nny rad\n")
    assert [(p.change, p.text) for p in pieces] == [
        ("same", "Hej på "),
        ("removed", "dig"),
        ("added", "er"),
        ("same", "\nrad två\n"),
        ("added", "ny rad\n"),
    ]


def test_the_pure_modules_load_no_web_framework():
    code = (
        "import sys, blueprints.knowledge.markdown, blueprints.knowledge.diff; "
        "print(sorted(m for m in ('flask', 'sqlalchemy') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
