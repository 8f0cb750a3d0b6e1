-- Schools holding an unrevoked award of a kind (党建示范校 or 一校一品) as of each year, each counted once at its highest level, and awards made that year, in scope.
-- params: kind, county, township, stage, ownership, locale, visible
with years as (select distinct year from school_years),
held as (
    -- A school holds an award in year y from year_awarded until the year before revoked_year, while it is open.
    select y.year, h.school_id, h.level, h.year_awarded
    from years y
    join honors h on h.kind = $kind and h.year_awarded <= y.year and (h.revoked_year is null or h.revoked_year > y.year)
    join scoped_schools($county, $township, $stage, $ownership, $locale, $visible) s
      on s.school_id = h.school_id and is_open(s.opened_year, s.closed_year, y.year)
),
highest as (
    select year, school_id,
           min(case level when '国家级' then 1 when '省级' then 2 when '市级' then 3 else 4 end) as rank,
           bool_or(year_awarded = year) as new_this_year
    from held
    group by year, school_id
)
select y.year,
       count(h.school_id) as schools,
       count(*) filter (where h.rank = 1) as national,
       count(*) filter (where h.rank = 2) as provincial,
       count(*) filter (where h.rank = 3) as city,
       count(*) filter (where h.rank = 4) as county_level,
       count(*) filter (where h.new_this_year) as new_schools
from years y
left join highest h using (year)
group by y.year
order by y.year
