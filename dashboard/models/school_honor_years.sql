-- For each year of the extract, the schools holding an unrevoked school award of a kind while
-- open that year: at their highest level (rank), and, if awarded that year, the highest level
-- awarded that year (new_rank).
-- needs: _scope, extract_years, honor_facts
--
-- DESIGN §3 示范校数 (as of y): distinct schools open in y holding an award not revoked by y with
-- year_awarded ≤ y; 新增 = year_awarded = y; both per level and in total, a school counted once at
-- its highest level.
create or replace table school_honor_years as
    select y.year, h.kind, h.school_id, h.county_code, h.township, h.stage, h.ownership, h.locale,
           min(h.rank) as rank,
           min(h.rank) filter (where h.year_awarded = y.year) as new_rank
    from extract_years y
    join honor_facts h
      on h.year_awarded <= y.year and (h.revoked_year is null or h.revoked_year > y.year)
     and is_open(h.opened_year, h.closed_year, y.year)
    group by y.year, h.kind, h.school_id, h.county_code, h.township, h.stage, h.ownership, h.locale
    order by y.year, h.kind, h.county_code;
