"""MkDocs hook: sharded search on the hosted site (`extra.search_shards: true`).

Every page leaves Material's own index (so the build does no jieba segmentation),
the articles' text is collected in the parent process once MkDocs has converted
them (page.content, before hooks/perf.py forks), and the shard files are written
after the build. overrides/main.html points Material's search at our worker
(docs/assets/search/worker.js). Logic: generator/search_shards.py.
"""
import json
import re
import time
from pathlib import Path

from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup
from material.plugins.blog.structure import Post
from mkdocs.plugins import event_priority, get_plugin_logger

from generator import perf
from generator import search_shards as shards

log = get_plugin_logger(__name__)
WORKER = "assets/search/worker.js"
_state: dict = {}
_CONFIG_SCRIPT = re.compile(r'(<script id="__config" type="application/json">)(.*?)(</script>)', re.S)


def enabled(config) -> bool:
    return bool((config.extra or {}).get("search_shards"))


def on_config(config):
    _state["docs"] = {}
    _state["cache"] = None
    if enabled(config) and perf.render_caches_enabled():
        root = Path(config.config_file_path).resolve().parent
        _state["cache"] = perf.DigestCache.load(root / perf.CACHE_DIR / "search.pickle")
        _state["salt"] = perf.code_fingerprint([Path(shards.__file__)])
    return config


def on_page_markdown(markdown, page, config, files):
    if enabled(config):
        page.meta["search"] = {**(page.meta.get("search") or {}), "exclude": True}
    return markdown


def on_page_content(html, page, config, files):
    if enabled(config) and isinstance(page, Post):
        created = page.config.date.created
        title = page.title or ""
        cache, key = _state["cache"], None
        entry = None
        if cache is not None:           # an article's tokens and lead depend on its title and HTML only
            key = perf.digest(_state["salt"], title, html)
            entry = cache.get(key)
        if entry is None:
            text = shards.html_text(html)
            entry = (shards.lead_of(html), shards.tokens_of(title, text))
            if cache is not None:
                cache.put(key, entry)
        _state["docs"][page.url] = shards.Doc(
            location=page.url, title=title, date=created.strftime("%Y-%m-%d") if created else "",
            section=str(page.meta.get("section") or ""), text="", lead=entry[0], tokens=entry[1])
    return html


def on_env(env, config, files):
    env.filters["shard_search_config"] = shard_search_config
    return env


def shard_search_config(block, worker_url) -> Markup:
    """Material's `__config` script with our worker, and a result count that says results stop at MAX_RESULTS.
    Written as UTF-8 (Material escapes every Han character as \\uXXXX: ~0.7 KB more on every page)."""
    m = _CONFIG_SCRIPT.search(str(block))
    if m is None:
        raise ValueError("no <script id=\"__config\"> in Material's config block")
    data = json.loads(m.group(2))
    data["search"] = str(worker_url)
    data["translations"]["search.result.other"] += f"（最多列出 {shards.MAX_RESULTS} 个）"
    return Markup(m.string[:m.start(2)] + str(htmlsafe_json_dumps(data, ensure_ascii=False)) + m.string[m.end(2):])


@event_priority(150)           # before hooks/perf.py waits for its second process: built meanwhile
def on_post_build(config):
    if not enabled(config):
        return
    start = time.perf_counter()
    files = shards.build_files(_state["docs"].values())
    size = shards.write_index(Path(config.site_dir), files)
    cache = _state.pop("cache", None)
    if cache is not None:
        cache.save()
        log.info(f"search tokens from the cache: {cache.hits} of {cache.hits + cache.misses}")
    log.info(f"search shards: {len(_state['docs'])} articles, {len(files)} files, "
             f"{size / 1e6:.1f} MB in {time.perf_counter() - start:.1f}s")
