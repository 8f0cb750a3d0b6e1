-- The year's 三会一课 completion per unit at the comparison level (every unit listed, then one row with a null unit for organisations that cannot be placed): organisations (child branches included) required and meeting every requirement falling due in the current quarter, the year to date and the whole year.
-- params: level, year, city, county, township, stage, ownership, locale, visible
-- columns: unit_code, unit_name, quarter_required, quarter_met, ytd_required, ytd_met, year_required, year_met
with spans as (
    select quarter_mask as quarter, ytd_mask as ytd, year_mask as whole
    from org_life_years
    where year = $year
),
per_unit as (
    select case $level when 'city' then r.city_code when 'county' then o.county_code
                       when 'township' then o.township else o.place_school_id end as unit_code,
           count(*) filter (where o.due_mask & s.quarter <> 0) as quarter_required,
           count(*) filter (where o.due_mask & s.quarter <> 0 and o.miss_mask & s.quarter = 0) as quarter_met,
           count(*) filter (where o.due_mask & s.ytd <> 0) as ytd_required,
           count(*) filter (where o.due_mask & s.ytd <> 0 and o.miss_mask & s.ytd = 0) as ytd_met,
           count(*) filter (where o.due_mask & s.whole <> 0) as year_required,
           count(*) filter (where o.due_mask & s.whole <> 0 and o.miss_mask & s.whole = 0) as year_met
    from org_life_orgs o
    cross join spans s
    left join regions r on r.county_code = o.county_code
    where o.year = $year and in_scope(o.county_code, o.township, o.stage, o.ownership, o.locale, $city, $county, $township, $stage, $ownership, $locale, $visible)
    group by all
)
select * exclude (ord) from (
    select u.unit_code, u.unit_name, u.unit_order as ord,
           coalesce(p.quarter_required, 0) as quarter_required, coalesce(p.quarter_met, 0) as quarter_met,
           coalesce(p.ytd_required, 0) as ytd_required, coalesce(p.ytd_met, 0) as ytd_met,
           coalesce(p.year_required, 0) as year_required, coalesce(p.year_met, 0) as year_met
    from scope_units($level, $year, $city, $county, $township, $visible) u
    left join per_unit p using (unit_code)
    union all
    -- DESIGN §3: an organisation that cannot be placed still counts; its unit is null.
    select null, null, null, quarter_required, quarter_met, ytd_required, ytd_met, year_required, year_met
    from per_unit
    where unit_code is null
)
order by ord nulls last
