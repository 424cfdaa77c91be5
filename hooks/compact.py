"""MkDocs hook: every page written without the templates' indentation (generator/compact.py)."""
from mkdocs.plugins import event_priority

from generator.compact import compact_html


@event_priority(-100)          # last: after every other plugin has changed the page
def on_post_page(output, page, config):
    return compact_html(output)
