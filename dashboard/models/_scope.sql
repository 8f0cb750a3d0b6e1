-- Macros the models and queries share (no tables): the open-school rule and the scope filters.
-- needs: none
--
-- Every derived table carries its school's filter dimensions (county_code, township, stage,
-- ownership, locale), so a query filters it without a join. An organisation that cannot be placed
-- at any school (DESIGN §3) has them all null: it passes only when no dimension filter is set and
-- the user sees every county (visible is null).

-- DESIGN §3 "Schools in year y": opened_year ≤ y and closed_year is null or > y.
create or replace macro is_open(opened, closed, y) as opened <= y and (closed is null or closed > y);

-- The scope filters on one row's dimensions. `visible` is null for a user who sees every county
-- (checked once, not on every row), else the list of counties the user may see; `city` is null
-- unless the extract spans several cities and one is chosen.
create or replace macro in_scope(county_code, township, stage, ownership, locale,
                                 city, county, township_, stage_, ownership_, locale_, visible) as
    (visible is null or list_contains(visible, county_code))
    and (city is null or county_code in (select r.county_code from regions r where r.city_code = city))
    and (county is null or county_code = county)
    and (township_ is null or township = township_)
    and (stage_ is null or stage = stage_)
    and (ownership_ is null or ownership = ownership_)
    and (locale_ is null or locale = locale_);

-- The cells in scope, each labelled with the unit it belongs to at the comparison level: 'city',
-- 'county', 'township' or 'school' (DESIGN §2 "Levels"). Reads the coarsest cells that still tell
-- the level and the filters apart: county_cells (a fifth of the school-year rows at national
-- size), township_cells when a township is chosen or compared, school_cells for schools.
create or replace macro unit_cells(level, city, county, township, stage, ownership, locale, visible) as table
    select case level when 'city' then r.city_code when 'county' then c.county_code
                      when 'township' then c.township else c.school_id end as unit_code,
           case level when 'city' then r.city_name when 'county' then r.county_name
                      when 'township' then c.township else s.school_name end as unit_name,
           c.*
    from query_table(case when level = 'school' then 'school_cells'
                          when level = 'township' or township is not null then 'township_cells'
                          else 'county_cells' end) c
    left join regions r on r.county_code = c.county_code
    left join schools s on level = 'school' and s.school_id = c.school_id
    where in_scope(c.county_code, c.township, c.stage, c.ownership, c.locale,
                   city, county, township, stage, ownership, locale, visible);

-- Every unit compared at a level within the scope's parent, in the bureau's order: the cities,
-- the counties of the chosen city or of the extract, the townships of the chosen county, or the
-- schools of the chosen township open in the year. A ranking lists each, with a dash where the
-- filters leave it nothing to count.
create or replace macro scope_units(level, y, city, county, township_, visible) as table
    select unit_code, unit_name, row_number() over (order by min(ord), unit_name, unit_code) as unit_order
    from (
        select if(level = 'city', city_code, county_code) as unit_code,
               if(level = 'city', city_name, county_name) as unit_name,
               sort_order as ord
        from regions
        where level in ('city', 'county')
          and (visible is null or list_contains(visible, county_code))
          and (city is null or city_code = city)
          and (county is null or level <> 'county' or county_code = county)
        union all
        select distinct township, township, 0
        from schools
        where level = 'township' and county_code = county
          and (visible is null or list_contains(visible, county_code))
        union all
        select school_id, school_name, 0
        from schools
        where level = 'school' and county_code = county and township = township_
          and is_open(opened_year, closed_year, y)
          and (visible is null or list_contains(visible, county_code))
    )
    group by unit_code, unit_name;
