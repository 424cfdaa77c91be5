"""The old site's URL rules (Jekyll, default `permalink: date`), reproduced exactly.

Jekyll splits a `categories` string on whitespace into several categories and puts
them, lowercased, as nested path segments before the date:
`21shijijingjibaodao 21caijingAPP` -> `/21shijijingjibaodao/21caijingapp/YYYY/MM/DD/<id>.html`.
The old category pages, however, were named after the category string unchanged
(case and spaces kept): `/category/21shijijingjibaodao 21caijingAPP.html`.
"""
from __future__ import annotations

import datetime as dt
import re

# What an old category string may contain: it becomes folder and file names.
_CATEGORY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _.\-]*$")


def is_valid_category(category: str) -> bool:
    return bool(_CATEGORY.match(category)) and ".." not in category


def category_segments(category: str) -> list[str]:
    """Jekyll's post-URL segments for one category string: split on whitespace, lowercased."""
    return [part.lower() for part in category.split()]


def post_dir(categories: list[str]) -> str:
    """`21shijijingjibaodao 21caijingAPP` -> `21shijijingjibaodao/21caijingapp`."""
    return "/".join(seg for c in categories for seg in category_segments(c))


def post_url(category: str, date: dt.datetime, slug: str) -> str:
    """Site-relative old URL of a post: `/<categories>/YYYY/MM/DD/<slug>.html`."""
    return f"/{post_dir([category])}/{date:%Y/%m/%d}/{slug}.html"


def category_url(category: str) -> str:
    """The old category page: the category string kept as is."""
    return f"/category/{category}.html"
