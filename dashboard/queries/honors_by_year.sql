-- Schools holding an unrevoked award of a kind (党建示范校 or 一校一品) as of each year, each counted once at its highest level, and awards made that year, in scope.
-- params: kind, county, township, stage, ownership, locale, visible
with highest as (
    -- A school holds an award in year y from year_awarded until the year before revoked_year, while it is open.
    select year, school_id, rank, new_this_year
    from scoped_schools('school_honor_years', $county, $township, $stage, $ownership, $locale, $visible)
    where kind = $kind
)
select y.year,
       count(h.school_id) as schools,
       count(*) filter (where h.rank = 1) as national,
       count(*) filter (where h.rank = 2) as provincial,
       count(*) filter (where h.rank = 3) as city,
       count(*) filter (where h.rank = 4) as county_level,
       count(*) filter (where h.new_this_year) as new_schools
from extract_years y
left join highest h using (year)
group by y.year
order by y.year
