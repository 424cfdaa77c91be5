"""MkDocs hook: wire generator/ into the build (slugs from the registry, feed)."""
from pathlib import Path

from generator import site as archive_site
from generator.feed import write_feed


def on_config(config):
    root = Path(config.config_file_path).parent
    blog = config.plugins.get("material/blog")
    if blog is not None:
        blog.config.categories_slugify = archive_site.slugify_for("category", root)
    tags = config.plugins.get("material/tags")
    if tags is not None:
        tags.config.tags_slugify = archive_site.slugify_for("tag", root)
    return config


def on_post_build(config):
    blog = config.plugins.get("material/blog")
    posts = list(blog.blog.posts) if blog is not None else []
    write_feed(posts, config)


def on_page_context(context, page, config, nav):
    categories = getattr(page, "categories", None)
    if categories is not None and hasattr(page, "config") and hasattr(page.config, "date"):
        root = Path(config.config_file_path).parent
        context["archive_post"] = archive_site.post_context(
            page.meta, page.config.date.created, categories[0].url if categories else None, root)
    return context
