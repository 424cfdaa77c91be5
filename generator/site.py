"""Glue the MkDocs hooks call: slug functions from the committed registry, feed writing.

Kept here (not in hooks/) so a later move to another renderer reuses it.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from generator.slugs import SlugRegistry, pinyin_slug

REGISTRY_PATH = Path("sources") / "slugs.yml"


@lru_cache(maxsize=4)
def registry_at(root: str) -> SlugRegistry:
    return SlugRegistry.load(Path(root) / REGISTRY_PATH)


def slugify_for(kind: str, root: Path):
    """A Material-style `slugify(text, separator)` that reads the slug registry, so
    URLs use the frozen slug; unknown names (hand-written pages) fall back to pinyin."""
    registry = registry_at(str(Path(root).resolve()))

    def slugify(text: str, separator: str = "-") -> str:
        return registry.get(kind, text) or pinyin_slug(text)

    return slugify


DATELINE_FORMAT = "(GMT+8, Asia/Shanghai, CST) %Y-%m-%d %H:%M:%S"


def post_context(meta: dict, created, category_url: str | None, tag_slug) -> dict:
    """What the article layout shows around the Markdown body, as on the old site:
    the date line, `tags: …` linking to each tag page (`tag_slug`: `slugify_for("tag", root)`,
    made once a build), and the back links."""
    tags = [{"name": t, "url": f"tag/{tag_slug(t)}.html"} for t in meta.get("tags") or []]
    first_tag = (meta.get("tags") or [None])[0]
    return {
        "dateline": created.strftime(DATELINE_FORMAT),
        "iso_date": created.isoformat(),
        "tags": tags,
        "category_url": category_url,
        "back_label": f"返回{first_tag or (meta.get('categories') or [''])[0]}",
        "home_url": "index.html",
    }


def old_site_post_dest(dest_uri: str, category_slugs: list[str]) -> str:
    """Material puts a post at `<category slug>/<date>/<slug>.html`; the old Jekyll
    site lowercased the category and made each space-separated word a folder
    (`21shijijingjibaodao 21caijingAPP/…` -> `21shijijingjibaodao/21caijingapp/…`).
    Category pages keep the slug as is, so only post paths are rewritten here."""
    from generator.legacy.urls import post_dir

    prefix = "/".join(category_slugs) + "/"
    if not dest_uri.startswith(prefix):
        raise ValueError(f"post path {dest_uri!r} does not start with its category slugs {prefix!r}: "
                         "the blog plugin's post_url_format or path rules changed")
    return post_dir(category_slugs) + "/" + dest_uri[len(prefix):]


def apply_old_site_post_urls(blog, config) -> None:
    """Move each post file to its old-site URL after the blog plugin computed its own."""
    import os
    from urllib.parse import quote

    slugify = blog.config.categories_slugify
    separator = blog.config.categories_slugify_separator
    for post in blog.blog.posts:
        names = post.config.categories[:blog.config.post_url_max_categories]
        dest = old_site_post_dest(post.file.dest_uri, [slugify(n, separator) for n in names])
        if dest == post.file.dest_uri:
            continue
        post.file.dest_uri = dest
        post.file.abs_dest_path = os.path.normpath(os.path.join(config.site_dir, dest))
        post.file.url = quote(dest)
        post._set_canonical_url(config.site_url)
