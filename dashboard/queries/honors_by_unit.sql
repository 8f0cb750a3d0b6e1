-- Schools holding an unrevoked award of a kind as of the year, and schools awarded it that year, per unit at the comparison level and per level (each school once, at its highest level; every unit × level listed).
-- params: kind, level, year, city, county, township, stage, ownership, locale, visible
-- columns: unit_code, unit_name, level, rank, schools, new_schools
with held as (
    select case $level when 'city' then r.city_code when 'county' then h.county_code
                       when 'township' then h.township else h.school_id end as unit_code,
           h.rank, h.new_rank
    from school_honor_years h
    left join regions r on r.county_code = h.county_code
    where h.kind = $kind and h.year = $year
      and in_scope(h.county_code, h.township, h.stage, h.ownership, h.locale, $city, $county, $township, $stage, $ownership, $locale, $visible)
)
select u.unit_code, u.unit_name, l.level, l.rank,
       count(*) filter (where h.rank = l.rank) as schools,
       count(*) filter (where h.new_rank = l.rank) as new_schools
from scope_units($level, $year, $city, $county, $township, $visible) u
cross join rule_levels l
left join held h on h.unit_code = u.unit_code
group by u.unit_code, u.unit_name, u.unit_order, l.level, l.rank
order by u.unit_order, l.rank
