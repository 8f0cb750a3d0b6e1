-- School awards (党建示范校, 一校一品 …) with the school's dimensions and years open; rank orders
-- the levels, highest first (rules.LEVELS, loaded as rule_levels).
-- needs: honors, schools, regions, rule_levels
create or replace table honor_facts as
    select h.honor_id, h.kind, h.level, l.rank,
           h.year_awarded, h.revoked_year, h.school_id, s.opened_year, s.closed_year,
           s.county_code, s.township, s.stage, s.ownership, s.locale
    from honors h
    join schools s on s.school_id = h.school_id
    join regions r on r.county_code = s.county_code
    join rule_levels l on l.level = h.level
    order by h.kind, s.county_code;
