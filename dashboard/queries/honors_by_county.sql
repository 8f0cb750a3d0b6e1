-- Schools holding an unrevoked award of a kind as of the year, at their highest level, and schools awarded in the year, per county in scope (every county listed).
-- params: kind, year, county, township, stage, ownership, locale, visible
with held as (
    select county_code, school_id,
           min(rank) as rank,
           bool_or(year_awarded = $year) as new_this_year
    from scoped_schools('honor_facts', $county, $township, $stage, $ownership, $locale, $visible)
    where kind = $kind and year_awarded <= $year and (revoked_year is null or revoked_year > $year)
      and is_open(opened_year, closed_year, $year)
    group by county_code, school_id
),
per_county as (
    select county_code,
           count(*) as schools,
           count(*) filter (where rank = 1) as national,
           count(*) filter (where rank = 2) as provincial,
           count(*) filter (where rank = 3) as city,
           count(*) filter (where rank = 4) as county_level,
           count(*) filter (where new_this_year) as new_schools
    from held
    group by county_code
)
select r.county_code, r.county_name, r.sort_order,
       coalesce(p.schools, 0) as schools,
       coalesce(p.national, 0) as national,
       coalesce(p.provincial, 0) as provincial,
       coalesce(p.city, 0) as city,
       coalesce(p.county_level, 0) as county_level,
       coalesce(p.new_schools, 0) as new_schools
from regions r
left join per_county p using (county_code)
where list_contains($visible, r.county_code) and ($county is null or r.county_code = $county)
order by r.sort_order, r.county_code
