"""The old Jekyll site: reading its posts, its URL rules, and turning its HTML bodies into Markdown."""
