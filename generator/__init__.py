"""Publishing system of 中国邮政快递报: raw page text -> article records -> Markdown -> site."""

NEWSPAPER = "中国邮政快递报"
