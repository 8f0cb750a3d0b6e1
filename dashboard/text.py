"""Text from data shown as text: a school, township, county or organisation name is never read
as Markdown (Streamlit's titles, captions, labels and notices), as HTML (plotly's labels and
hovers) or as a formula (spreadsheet cells). Every place that puts a data value into one of
those goes through these functions (DESIGN §5 "Data values are text, never markup")."""
from __future__ import annotations

import html
import re

# Everything Markdown, Streamlit's extensions (":material/x:", ":red[…]", "$…$" for LaTeX) or
# HTML could read as markup; a backslash makes each one literal (CommonMark escapes any ASCII
# punctuation).
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>$~:=&\"'^])")
# GitHub-flavoured Markdown also links bare addresses ("http://…", "www.…", "a@b.cn") whatever is
# escaped; an invisible word joiner inside each such prefix stops that and shows the same text.
_AUTOLINK = re.compile(r"(?i)(https?:|ftp:|www|@)")
_JOINER = "\u2060"


def literal(value) -> str:
    """A value for a Streamlit string that renders Markdown (title, caption, label, notice); a
    line break in it would start a new Markdown block, so it becomes a space."""
    value = _AUTOLINK.sub(lambda m: m.group(1)[:-1] + _JOINER + m.group(1)[-1], str(value))
    return _MARKDOWN.sub(r"\\\1", value).replace("\r", " ").replace("\n", " ")


def plain_html(value) -> str:
    """A value for plotly text, hover and tick labels, which read a few HTML tags (<b>, <br>, <a>)."""
    return html.escape(str(value), quote=False)


# A spreadsheet reads a cell that starts with one of these as a formula (OWASP CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value):
    """A text value for a CSV or XLSX cell: one that a spreadsheet would read as a formula gets a
    leading apostrophe, so it is shown and stored as the text it is."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
