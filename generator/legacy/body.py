"""Old-site post bodies (HTML mixed with a few Markdown lines) -> clean Markdown.

The HTML is foreign and untrusted: nh3 removes scripts, styles, frames, event
handlers and `javascript:` URLs first; markdownify then converts what is left, with
our own escaping so no text can turn back into HTML or Markdown syntax
(`&lt;script&gt;` stays text, `{: onclick=… }` is not an attribute list).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional
from urllib.parse import quote

import nh3
from markdownify import ATX, MarkdownConverter

SOURCE_NOTE_CLASS = "em_media"
ALLOWED_TAGS = {"p", "br", "div", "strong", "b", "em", "i", "a", "ul", "ol", "li", "blockquote",
                "h1", "h2", "h3", "h4", "h5", "h6", "img"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt"}}
ALLOWED_CLASSES = {"p": {SOURCE_NOTE_CLASS}}
# Dropped with everything inside them (not just the tags).
DROPPED_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "template", "noscript", "svg", "math",
                        "frame", "frameset", "applet", "textarea", "select", "title", "head"}
URL_SCHEMES = {"http", "https", "mailto"}

_AUTOLINK = re.compile(r"^<(https?://[^\s<>]+)>$")
_BACK_LINKS = re.compile(r"^(?:\[返回[^\]\n]*\]\([^)\n]*\)\s*[｜|]?\s*)+$")
_BLANK_LINES = re.compile(r"\n[ \t]*\n")
_EXTRA_NEWLINES = re.compile(r"\n{3,}")
_SPACES = re.compile(r"[ \t\r\n\f\v]+")
# Inline Markdown syntax, escaped wherever it occurs.
_MD_INLINE = re.compile(r"([\\`*_\[\]{}#])")
# Block syntax only matters where a line (or a text run) begins.
_MD_LINE_START = re.compile(r"^(\s*)(?:([->+])|(=)|(\d+)([.)])(?=\s|$))", re.M)
_URL_SAFE = "/:?#@!$&'*+,;=%~-._"


@dataclass
class Body:
    """A converted body: Markdown text plus the link to the original, if the post had one."""

    markdown: str
    source_url: Optional[str]


def escape_markdown(text: str) -> str:
    """Plain text -> Markdown that renders exactly as that text (also no raw HTML)."""
    text = text.replace("&", "&amp;").replace("<", "&lt;")
    text = _MD_INLINE.sub(r"\\\1", text)
    return _MD_LINE_START.sub(_escape_line_start, text)


def _escape_line_start(m: re.Match) -> str:
    lead, mark, equals, digits, dot = m.groups()
    if mark:
        return f"{lead}\\{mark}"
    if equals:
        return f"{lead}&#61;"
    return f"{lead}{digits}\\{dot}"


def safe_url(url: str) -> str:
    """Percent-encode what could end a Markdown link target early (spaces, parentheses, quotes)."""
    return quote(url.strip(), safe=_URL_SAFE)


def absolute_url(url: Optional[str], schemes=("http://", "https://", "mailto:")) -> Optional[str]:
    """Links of a foreign page only make sense when absolute (`//host/…` taken as https);
    a relative one would point into our own site, so it is dropped (its text is kept)."""
    url = (url or "").strip()
    if url.startswith("//"):
        url = "https:" + url
    return safe_url(url) if url.lower().startswith(schemes) else None


def plain_text(fragment: str) -> str:
    """Front-matter strings (title, tags) as plain text: markup removed, no `<`/`>` left
    for a template to mistake for HTML."""
    import html

    text = html.unescape(nh3.clean(fragment, tags=set(), clean_content_tags=DROPPED_WITH_CONTENT))
    text = text.replace("<", "＜").replace(">", "＞")
    return _SPACES.sub(" ", text).strip()


def sanitize_html(fragment: str) -> str:
    """Only harmless tags and attributes survive; dangerous elements go with their content."""
    return nh3.clean(fragment, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     allowed_classes=ALLOWED_CLASSES, clean_content_tags=DROPPED_WITH_CONTENT,
                     url_schemes=URL_SCHEMES, link_rel=None, strip_comments=True)


class _Converter(MarkdownConverter):
    """markdownify with the old site's conventions: a paragraph that is only bold text
    is a subheading, the `em_media` paragraph is the source note, body headings sit
    below the post's own `# title`."""

    def escape(self, text, parent_tags):
        return escape_markdown(text) if text else ""

    def convert_p(self, el, text, parent_tags):
        if "_inline" in parent_tags:
            return super().convert_p(el, text, parent_tags)
        if SOURCE_NOTE_CLASS in (el.get("class") or []):
            note = text.strip()
            return f"\n\n{note}\n{{: .source-note }}\n\n" if note else ""
        if _is_bold_only(el):
            heading = escape_markdown(_SPACES.sub(" ", el.get_text()).strip())
            return f"\n\n## {heading}\n\n" if heading else ""
        return super().convert_p(el, text, parent_tags)

    def convert_hN(self, n, el, text, parent_tags):
        return super().convert_hN(min(n + 1, 6), el, text, parent_tags)

    def convert_a(self, el, text, parent_tags):
        href = absolute_url(el.get("href"))
        if not href:
            return text
        el.attrs = {"href": href}
        return super().convert_a(el, text, parent_tags)

    def convert_img(self, el, text, parent_tags):
        src = absolute_url(el.get("src"), schemes=("http://", "https://"))
        if not src:
            return ""
        alt = escape_markdown(_SPACES.sub(" ", el.get("alt") or "").strip())
        return f"![{alt}]({src})"


def _is_bold_only(el) -> bool:
    children = [c for c in el.children if not (isinstance(c, str) and not c.strip())]
    return len(children) == 1 and getattr(children[0], "name", None) in ("strong", "b") and \
        bool(children[0].get_text().strip())


_CONVERTER = _Converter(heading_style=ATX, bullets="-", strong_em_symbol="*", escape_asterisks=False,
                        escape_underscores=False, escape_misc=False, autolinks=False)


def split_body(text: str) -> tuple[str, Optional[str]]:
    """Separate the HTML from the old layout's Markdown lines: the bare `<http://…>` line
    is the link to the original article; `[返回…](…)｜[返回首页](…)` is dropped (our layout
    draws its own back links). Plain-text blocks become paragraphs."""
    blocks, source_url = [], None
    for block in _BLANK_LINES.split(text.replace("\r\n", "\n").strip()):
        block = block.strip()
        if not block:
            continue
        m = _AUTOLINK.match(block)
        if m:
            source_url = m.group(1)
            continue
        if _BACK_LINKS.match(block):
            continue
        blocks.append(block if block.startswith("<") else f"<p>{block}</p>")
    return "\n".join(blocks), source_url


def html_to_markdown(fragment: str) -> str:
    """Sanitized HTML -> Markdown paragraphs separated by one blank line."""
    md = _CONVERTER.convert(sanitize_html(fragment))
    md = "\n".join(line.rstrip() if not line.endswith("  ") else line for line in md.split("\n"))
    return _EXTRA_NEWLINES.sub("\n\n", md).strip("\n")


def convert_body(text: str) -> Body:
    html, source_url = split_body(text)
    return Body(html_to_markdown(html), source_url)
