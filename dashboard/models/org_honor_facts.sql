-- Organisation awards (最强党支部, 先进基层党组织 …), placed as their organisation is placed in the
-- year awarded (an award to an unplaced organisation has null dimensions, and is still counted).
-- needs: honors, org_facts
create or replace table org_honor_facts as
    select h.honor_id, h.year_awarded as year, h.kind, h.level,
           o.county_code, o.township, o.stage, o.ownership, o.locale
    from honors h
    join org_facts o on o.org_id = h.org_id and o.year = h.year_awarded
    where h.org_id is not null
    order by year, o.county_code;
