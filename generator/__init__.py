"""Publishing system of 中国邮政快递报: raw page text -> article records -> Markdown -> site."""

NEWSPAPER = "中国邮政快递报"

from generator import compiled as _compiled

_compiled.install()   # the cleaner's compiled modules, where they match their source
