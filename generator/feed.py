"""Atom feed at /feed.xml, the URL the old Jekyll site (jekyll-feed) published."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional
from urllib.parse import urljoin
from xml.etree import ElementTree as ET

FEED_PATH = "feed.xml"
FEED_SIZE = 20
ATOM = "http://www.w3.org/2005/Atom"


@dataclass
class FeedEntry:
    title: str
    url: str                 # site-relative, e.g. zhongguoyouzhengkuaidibao/2022/12/19/x.html
    date: dt.datetime
    summary: str = ""
    content_html: Optional[str] = None
    categories: tuple[str, ...] = ()


def atom_feed(entries: Iterable[FeedEntry], *, title: str, site_url: str,
              updated: Optional[dt.datetime] = None) -> str:
    """Newest FEED_SIZE entries, newest first; deterministic for identical input."""
    items = sorted(entries, key=lambda e: (e.date, e.url), reverse=True)[:FEED_SIZE]
    base = site_url if site_url.endswith("/") else site_url + "/"
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {"xml:lang": "zh-CN"})
    ET.SubElement(feed, f"{{{ATOM}}}title").text = title
    ET.SubElement(feed, f"{{{ATOM}}}id").text = urljoin(base, FEED_PATH)
    ET.SubElement(feed, f"{{{ATOM}}}link", {"href": urljoin(base, FEED_PATH), "rel": "self",
                                             "type": "application/atom+xml"})
    ET.SubElement(feed, f"{{{ATOM}}}link", {"href": base, "rel": "alternate", "type": "text/html"})
    stamp = updated or (items[0].date if items else dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc))
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = stamp.isoformat()
    for e in items:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}title").text = e.title
        ET.SubElement(entry, f"{{{ATOM}}}link", {"href": urljoin(base, e.url), "rel": "alternate",
                                                  "type": "text/html"})
        ET.SubElement(entry, f"{{{ATOM}}}id").text = urljoin(base, e.url)
        ET.SubElement(entry, f"{{{ATOM}}}published").text = e.date.isoformat()
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = e.date.isoformat()
        for c in e.categories:
            ET.SubElement(entry, f"{{{ATOM}}}category", {"term": c})
        if e.summary:
            ET.SubElement(entry, f"{{{ATOM}}}summary").text = e.summary
        if e.content_html:
            ET.SubElement(entry, f"{{{ATOM}}}content", {"type": "html"}).text = e.content_html
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"


def write_feed(posts, config) -> Path:
    """Build the feed from MkDocs/Material post pages after the build."""
    entries = []
    for post in posts:
        meta = post.meta or {}
        entries.append(FeedEntry(
            title=post.title or meta.get("title", ""),
            url=post.url,
            date=post.config.date.created,
            summary=str(meta.get("subtitle") or ""),
            content_html=post.content,
            categories=tuple(meta.get("tags") or ()),
        ))
    out = Path(config.site_dir) / FEED_PATH
    out.write_text(atom_feed(entries, title=config.site_name, site_url=config.site_url or "/"), encoding="utf-8")
    return out
