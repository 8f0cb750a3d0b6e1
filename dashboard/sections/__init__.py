"""One module per theme: each takes a Context (a scope and the means to query it) and returns
plain blocks (cards, charts, tables, paragraphs). No Streamlit here: the pages render these with
st.*, and the report pack writes the same objects as Word, Excel and images."""
from __future__ import annotations

from dashboard.sections import (action_lists, coverage, demonstration, leadership, members, org_life, overview,
                                school_profile, year_work)
from dashboard.sections.blocks import Card, Chart, Col, Section, Table
from dashboard.sections.context import Context


def report_sections(ctx: Context) -> list[Section]:
    """The themes of a written report, in the order a bureau's summary takes them."""
    return [coverage.build(ctx), coverage.organisation_setup(ctx), leadership.build(ctx), demonstration.build(ctx),
            members.build(ctx), year_work.build(ctx), org_life.build(ctx), action_lists.build(ctx)]


__all__ = ["Card", "Chart", "Col", "Context", "Section", "Table", "action_lists", "coverage", "demonstration",
           "leadership", "members", "org_life", "overview", "report_sections", "school_profile", "year_work"]
