-- Schools holding an unrevoked award of a kind as of the year, at their highest level, and schools awarded in the year, per county in scope (every county listed).
-- params: kind, year, county, township, stage, ownership, locale, visible
with held as (
    select s.county_code, h.school_id,
           min(case h.level when '国家级' then 1 when '省级' then 2 when '市级' then 3 else 4 end) as rank,
           bool_or(h.year_awarded = $year) as new_this_year
    from honors h
    join scoped_schools($county, $township, $stage, $ownership, $locale, $visible) s on s.school_id = h.school_id
    where h.kind = $kind and h.year_awarded <= $year and (h.revoked_year is null or h.revoked_year > $year)
      and is_open(s.opened_year, s.closed_year, $year)
    group by s.county_code, h.school_id
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
