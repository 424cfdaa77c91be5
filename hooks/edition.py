"""MkDocs hook: the newspaper structure (issues, pages, past issues, sections, tags,
category pages drawn as the same stable listings, home page) and sub-word search. Logic is in generator/edition.py and generator/search.py."""
from pathlib import Path

from material.plugins.blog.structure import Category, Post, View
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, InclusionLevel

from generator import edition as ed
from generator import site as archive_site
from generator.search import rewrite_search_index

_state: dict = {}


@event_priority(-100)   # after the blog plugin (-50) has read the posts and given them URLs
def on_files(files, config):
    blog = config.plugins.get("material/blog")
    posts = list(blog.blog.posts) if blog is not None else []
    root = Path(config.config_file_path).parent
    refs = [ed.article_ref(p.meta, p.file.url, p.config.date.created) for p in posts]
    per_page = int(config.extra.get("listing_per_page") or ed.PER_PAGE)
    site = ed.plan_site(refs, archive_site.slugify_for("section", root), archive_site.slugify_for("tag", root),
                        per_page=per_page)
    generated = list(site.pages.values())
    by_post = {id(post): ref for post, ref in zip(posts, refs)}
    categories = [(view.name, view.file.src_uri, [by_post[id(p)] for p in view.posts if id(p) in by_post])
                  for view in (blog.blog.views if blog is not None else ()) if isinstance(view, Category)]
    generated += ed.plan_categories(site, categories, per_page)
    for page in generated:
        files.append(File.generated(config, page.src_uri, content=page.markdown,
                                    inclusion=InclusionLevel.NOT_IN_NAV))
    _state["site"] = site
    _state["index_uri"] = blog.blog.file.src_uri if blog is not None else "index.md"
    return files


def on_page_markdown(markdown, page, config, files):
    """Blog views (home, categories) only repeat articles: keep them out of search so
    results are the articles themselves. Category pages are drawn as our listings
    (numbered from the oldest, so a push leaves their older pages as they were)."""
    if isinstance(page, View) and not isinstance(page, Post):
        page.meta["search"] = {**(page.meta.get("search") or {}), "exclude": True}
    if isinstance(page, Category) and page.file.src_uri in _state["site"].pages:
        page.meta["template"] = "edition-listing.html"      # a stable listing (generator/edition.py)
    return markdown


def on_page_context(context, page, config, nav):
    site = _state.get("site")
    if site is None:
        return context
    context["edition_bar"] = site.bar
    generated = site.pages.get(page.file.src_uri)
    if generated is not None:
        context["edition_page"] = generated.context()
        if isinstance(page, Category):
            page.posts = []         # drawn from edition_page: the blog need not render every post's excerpt
    elif page.file.src_uri == _state["index_uri"]:
        context["edition_home"] = site.home()
        if isinstance(page, View):      # the blog index: home.html shows the edition, not the blog's
            _state["index_posts"], page.posts = page.posts, []     # excerpts of every post (back below)
    elif page.meta.get("id"):
        context["edition_article"] = site.article(str(page.meta["id"]))
    return context


def on_post_page(output, page, config):
    posts = _state.pop("index_posts", None)
    if posts is not None:
        page.posts = posts
    return output


def on_post_build(config):
    index = Path(config.site_dir) / "search" / "search_index.json"
    if index.exists():
        rewrite_search_index(index)
