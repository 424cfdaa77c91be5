"""MkDocs hook: speed workarounds for Material's blog and search plugins (logic and the
reasons are in generator/perf.py)."""
import threading
from pathlib import Path

from mkdocs.plugins import event_priority, get_plugin_logger

from generator import perf

_state = {}
log = get_plugin_logger("perf")


def on_startup(command, dirty):
    _state["command"] = command


@event_priority(-100)          # last: MkDocs empties the site folder right after
def on_pre_build(config):
    if "caches" in _state:
        _state["previous_site"] = perf.install_previous_site(
            Path(config.site_dir), _root(config) / perf.CACHE_DIR / "site-previous")


def _root(config) -> Path:
    return Path(config.config_file_path).resolve().parent


def on_config(config):
    perf.use_libyaml_for_posts()
    if perf.markdown_pool_enabled():
        perf.install_markdown_pool()
    else:
        perf.uninstall_markdown_pool()
    _state.pop("caches", None)
    if _state.get("command") == "build" and perf.render_caches_enabled():
        _state["caches"] = perf.load_render_caches(_root(config))
        perf.install_lead_excerpts(_state["caches"]["excerpts"], "")     # salted in on_files
        perf.install_frontmatter_cache(_state["caches"]["frontmatter"])  # before the blog reads its posts
    return config


@event_priority(-100)          # after the blog plugin has collected its posts
def on_files(files, config):
    blog = config.plugins.get("material/blog")
    if blog is not None and getattr(blog, "blog", None) is not None:
        blog.blog.posts = perf.IdentityList(blog.blog.posts)
    search = config.plugins.get("material/search")
    if search is not None and getattr(search, "search_index", None) is not None:
        _install_search(search, config)
    if "caches" in _state:                     # every plugin has set up its Markdown extensions by now
        salt = perf.markdown_salt(config)
        if perf.markdown_cache_allowed(config):
            perf.install_markdown_cache(_state["caches"]["markdown"], salt)
        perf.install_lead_excerpts(_state["caches"]["excerpts"], salt)
    return files


def _install_search(search, config) -> None:
    index = search.search_index
    extra = [search.config.jieba_dict, search.config.jieba_dict_user]
    cache = perf.DigestCache.load(_root(config) / perf.CACHE_DIR / "segments.pickle")
    segmenter = perf.DeferredSegmenter(cache, perf.segmentation_salt([_root(config) / p for p in extra if p]))
    index._segment_chinese = segmenter
    _state["entries"] = perf.PageEntries(index)
    stock_generate = index.generate_search_index
    index.generate_search_index = lambda prev: stock_generate(prev) if prev else perf.search_index_json(index)
    _state["segmenter"], _state["index"] = segmenter, index


@event_priority(-100)          # after the blog plugin has attached the excerpt
def on_page_markdown(markdown, page, config, files):
    excerpt = getattr(page, "excerpt", None)
    if excerpt is not None and not type(excerpt).__name__.startswith("Lead"):
        excerpt.__class__ = _lead_class(type(excerpt))
    return markdown


_lead_classes = {}


def _lead_class(cls):
    if cls not in _lead_classes:
        _lead_classes[cls] = perf.lead_excerpt_class(cls)
    return _lead_classes[cls]


@event_priority(-100)          # last: the pages exist; MkDocs reads and converts them next
def on_nav(nav, config, files):
    _state["nav"] = nav
    _state.pop("preconvert", None)
    if "caches" in _state and perf.markdown_cache_installed() and _state.get("command") == "build" \
            and threading.active_count() == 1 and perf.worker_count() >= 2:
        from mkdocs.structure.files import InclusionLevel
        cache = _state["caches"]["markdown"]
        pages = [f.page for f in files.documentation_pages(inclusion=InclusionLevel.is_included)]
        if len(pages) >= perf.preconvert_min_pages() and len(cache.data) < len(pages) // 2:  # a cold build
            _state["preconvert"] = perf.PreConversion.start(pages, config, files, cache)
    return nav


def on_pre_page(page, config, files):
    pre = _state.get("preconvert")
    if pre is not None and not pre.claim(page):     # the second process has converted it and the rest
        pre.take(_state["caches"]["markdown"])
    return page


@event_priority(-100)          # last: every page is read and converted, the env is complete
def on_env(env, config, files):
    pre = _state.pop("preconvert", None)
    if pre is not None:
        pre.take(_state["caches"]["markdown"])
    if "caches" in _state:
        from material.plugins.blog.structure import View
        env.bytecode_cache = perf.template_bytecode_cache(_root(config), env)
        chrome = perf.chrome_fingerprint(config, _state["nav"], [Path(__file__).resolve().parent,
                                                                 Path(perf.__file__).resolve().parent])
        perf.cache_page_templates(env, _state["caches"]["pages"], chrome,
                                  lambda page: not isinstance(page, View), skip=[perf.EMPTY_TEMPLATE])
    blog = config.plugins.get("material/blog")
    posts = list(blog.blog.posts) if blog is not None and getattr(blog, "blog", None) else []
    if _state.get("command") != "build" or threading.active_count() > 1 or perf.worker_count() < 2 \
            or len(posts) < perf.fork_min_pages():
        return env
    from mkdocs.commands.build import _build_page
    doc_files = files.documentation_pages()
    nav = _state["nav"]
    level = config.validation.links.anchors
    cached_pages = bool(_state.get("caches") and _state["caches"]["pages"].data)
    mode = perf.split_mode(cached_pages)
    balance = perf.load_balance(_root(config))
    fork = perf.ForkedBuild.start(
        perf.child_pages(files, cached_pages=cached_pages, correction=balance.get(mode, 0.0)),
        lambda page: _build_page(page, config, doc_files, nav, env),
        lambda page: page.validate_anchor_links(files=files, log_level=level),
        env, files, _state.get("entries"), _state.get("segmenter"), _state.get("caches"))
    _state["fork"], _state["balance"] = fork, (mode, balance, len(posts))
    _state["templates_left"] = len(config.theme.static_templates) + len(config.extra_templates)
    if _state["templates_left"] == 0:
        _hand_over(fork)
    return env


def _hand_over(fork) -> None:
    fork.exclude_from_parent()
    if _state.get("entries") is not None:
        _state["entries"].add_for(fork.pages)


def on_post_template(output, template_name, config):
    """The theme templates (sitemap) list every page; once they are written, the parent
    stops building the pages the child builds."""
    if "fork" in _state and _state.get("templates_left", 0) > 0:
        _state["templates_left"] -= 1
        if _state["templates_left"] == 0:
            _hand_over(_state["fork"])
    return output


def on_build_error(error):
    pre = _state.pop("preconvert", None)
    if pre is not None:
        pre.abandon()
    fork = _state.pop("fork", None)
    _state.pop("balance", None)
    if fork is not None:
        fork.abandon()
    _state.pop("caches", None)                 # keep the last good build's caches
    perf.uninstall_render_caches()
    perf.uninstall_previous_site(_state.pop("previous_site", None))


@event_priority(100)           # before the search plugin writes its index
def on_post_build(config):
    segmenter, index = _state.pop("segmenter", None), _state.pop("index", None)
    fork, entries = _state.pop("fork", None), _state.pop("entries", None)
    if fork is not None and fork.pages and fork.pages[0].file.inclusion.is_included():
        _hand_over(fork)                       # the templates never came: index the child's pages now
    if segmenter is not None:
        if fork is not None and entries is not None:
            entries.merge(fork.order, {})
        segmenter.resolve(index.entries, busy=fork.running if fork is not None else None)
    if fork is not None:
        fork.finish(entries, segmenter)
        mode, balance, posts = _state.pop("balance")
        balance[mode] = perf.corrected_share(balance.get(mode, 0.0), fork.child_seconds, fork.parent_seconds,
                                             len(fork.pages), posts)
        perf.save_balance(_root(config), balance)
        if segmenter is not None and segmenter.pending:
            segmenter.resolve(index.entries)
    if segmenter is not None:
        segmenter.cache.save()
    caches = _state.pop("caches", None) or {}
    for cache in caches.values():
        cache.save()
        cache.release()
    if caches:
        log.info("from the caches: " + ", ".join(f"{name} {c.hits} of {c.hits + c.misses}"
                                                      for name, c in caches.items()))
    previous = _state.pop("previous_site", None)
    if previous is not None:
        log.info(f"{previous.reused} unchanged files kept from the last build")
    perf.uninstall_previous_site(previous)
    perf.uninstall_render_caches()
