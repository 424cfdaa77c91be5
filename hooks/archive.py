"""MkDocs hook: wire generator/ into the build (slugs from the registry, feed)."""
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from generator import site as archive_site
from generator.feed import write_feed


_state: dict = {}


def on_config(config):
    root = Path(config.config_file_path).parent
    _state["tag_slug"] = archive_site.slugify_for("tag", root)
    blog = config.plugins.get("material/blog")
    if blog is not None:
        blog.config.categories_slugify = archive_site.slugify_for("category", root)
    tags = config.plugins.get("material/tags")
    if tags is not None:
        tags.config.tags_slugify = archive_site.slugify_for("tag", root)
    return config


@event_priority(-100)  # after the blog plugin (-50) has placed its posts
def on_files(files, config):
    blog = config.plugins.get("material/blog")
    if blog is not None and blog.config.enabled:
        try:
            archive_site.apply_old_site_post_urls(blog, config)
        except ValueError as exc:
            raise PluginError(str(exc)) from None
    return files


def on_post_build(config):
    blog = config.plugins.get("material/blog")
    posts = list(blog.blog.posts) if blog is not None else []
    write_feed(posts, config)


def on_page_context(context, page, config, nav):
    categories = getattr(page, "categories", None)
    if categories is not None and hasattr(page, "config") and hasattr(page.config, "date"):
        context["archive_post"] = archive_site.post_context(
            page.meta, page.config.date.created, categories[0].url if categories else None, _state["tag_slug"])
    return context
