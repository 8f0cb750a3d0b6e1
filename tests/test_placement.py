"""Placement of organisations for the filters (DESIGN §3), worked out by hand."""
from __future__ import annotations

import pandas as pd

from dashboard import placement


def test_each_step_of_the_rule():
    # A: host S9 in 2023; in 2024 no host, covers S3.   B: a branch of C covering S2 and S1 (2024).
    # C: 2023 nothing (B exists only in 2024); 2024 placed through B.   D: covers S4 in 2023, nothing in
    # 2024.   E: its host SX is not a known school, it covers nothing.
    orgs = pd.DataFrame({
        "org_id": ["A", "A", "B", "C", "C", "D", "D", "E"],
        "year": [2023, 2024, 2024, 2023, 2024, 2023, 2024, 2024],
        "parent_org_id": [None, None, "C", None, None, None, None, None],
        "host_school_id": ["S9", None, None, None, None, None, None, "SX"],
    })
    sy = pd.DataFrame({"school_id": ["S2", "S1", "S3", "S4"], "year": [2024, 2024, 2024, 2023],
                       "org_id": ["B", "B", "A", "D"]})
    placed = placement.place(orgs, sy, ["S1", "S2", "S3", "S4", "S9"])
    assert placed.fillna("-").tolist() == ["S9", "S3", "S1", "-", "S1", "S4", "S4", "-"]


def test_how_and_from_which_year():
    # One organisation over four years: host school, nothing, covers school 7, nothing.
    p = placement.place_codes(org=pd.Series([0, 0, 0, 0]).to_numpy(), year=pd.Series([2021., 2022., 2023., 2024.]).to_numpy(),
                              host=pd.Series([5, -1, -1, -1]).to_numpy(), parent=pd.Series([-1] * 4).to_numpy(),
                              cover_org=pd.Series([0]).to_numpy(), cover_year=pd.Series([2023.]).to_numpy(),
                              cover_school=pd.Series([7]).to_numpy())
    assert p.how.tolist() == [placement.HOST, placement.EARLIER, placement.COVERED, placement.EARLIER]
    assert p.school.tolist() == [5, 5, 7, 7]
    assert p.from_year[[1, 3]].tolist() == [2021, 2023]
