"""Article bodies and notes: Markdown rendered to HTML that is safe to show anywhere (pages, the Atom feed,
e-mails). Pure: no Flask.

Two locks, either enough on its own: cmark-gfm (GitHub's CommonMark parser, in C: a 100 KB body renders in a few
milliseconds) renders in its safe mode, which leaves raw HTML out (an ``<script>`` typed in a body never
reaches the page) and empties ``javascript:``, ``vbscript:``, ``file:`` and ``data:`` links; then nh3 (the
Ammonia sanitiser) keeps only an allow-list of tags, attributes and URL schemes. On that normalised HTML,
headings are moved under the page's h1 without gaps (a body's levels 1, 3 and 4 become h2, h3 and h4), links
to other sites get ``rel="noopener noreferrer nofollow"``, table headers get ``scope="col"``, and images are
kept only when they show one of the article's attachments (the strict CSP serves nothing else); any other
image becomes its description.
"""

import html
import re
from collections.abc import Callable

import cmarkgfm
import nh3

MAX_BODY_CHARS = 200_000  # a body longer than this is refused by the form (about 100 pages of text)
ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "del", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}
EXTERNAL_REL = "noopener noreferrer nofollow"
LOWEST_HEADING = 2  # the page's title is the h1

HEADING = re.compile(r"<(/?)h([1-6])>")
LINK = re.compile(r'<a href="([^"]*)"')
EMPTY_LINK = re.compile(r'<a href=""[^>]*>(.*?)</a>', re.DOTALL)  # a refused address: the words stay
IMAGE = re.compile(r"<img\b([^>]*)>")
ATTRIBUTE = re.compile(r'(\w+)="([^"]*)"')
EXTERNAL = re.compile(r"^(https?:)?//", re.IGNORECASE)


def _shift_headings(rendered: str) -> str:
    """Give the headings used consecutive levels from h2 on, in the order of their own levels."""
    levels = sorted({int(level) for _slash, level in HEADING.findall(rendered)})
    new_level = {level: min(6, LOWEST_HEADING + n) for n, level in enumerate(levels)}
    return HEADING.sub(lambda m: f"<{m.group(1)}h{new_level[int(m.group(2))]}>", rendered)


def _mark_external_links(rendered: str) -> str:
    def mark(match: re.Match[str]) -> str:
        href = html.unescape(match.group(1))
        return f'{match.group(0)} rel="{EXTERNAL_REL}"' if EXTERNAL.match(href) else match.group(0)

    return LINK.sub(mark, rendered)


def _keep_own_images(rendered: str, allowed_image: Callable[[str], bool]) -> str:
    """An image that is not one of the article's attachments is replaced by its description."""

    def keep(match: re.Match[str]) -> str:
        attributes = dict(ATTRIBUTE.findall(match.group(1)))
        if allowed_image(html.unescape(attributes.get("src", ""))):
            return match.group(0)
        return attributes.get("alt", "")

    return IMAGE.sub(keep, rendered)


def sanitise(rendered: str) -> str:
    """HTML cut down to the allow-list, normalised (attributes double-quoted, entities escaped)."""
    return nh3.clean(
        rendered,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )


def render(markdown: str, *, allowed_image: Callable[[str], bool] = lambda src: False) -> str:
    """The text as safe HTML; ``allowed_image`` says which image addresses may be shown (the article's own
    attachments)."""
    rendered = sanitise(cmarkgfm.github_flavored_markdown_to_html(markdown))  # cmark's safe mode: no raw HTML
    rendered = _keep_own_images(_mark_external_links(_shift_headings(rendered)), allowed_image)
    return EMPTY_LINK.sub(r"\1", rendered).replace("<th>", '<th scope="col">')


def plain_text(rendered: str) -> str:
    """The words of rendered HTML, without tags (for search and summaries; escape it again to show it)."""
    text = nh3.clean(rendered.replace("<", " <"), tags=set(), strip_comments=True)
    return re.sub(r"\s+", " ", html.unescape(text)).strip()
