-- The year's 三会一课 completion in scope: organisations (child branches included) required in the current quarter, the year to date and the whole year, and those meeting every requirement falling due in each (whole-year figures only once the year's data runs to December); as_of_month is null when no organisational-life data was supplied for the year.
-- params: year, city, county, township, stage, ownership, locale, visible
-- columns: as_of_month, orgs, reported_orgs, quarter_required, quarter_met, ytd_required, ytd_met, year_required, year_met
with spans as (
    select as_of_month, quarter_mask as quarter, ytd_mask as ytd, year_mask as whole
    from org_life_years
    where year = $year
)
select (select as_of_month from spans) as as_of_month,
       count(*) as orgs,
       count(*) filter (where o.reported) as reported_orgs,
       count(*) filter (where o.due_mask & s.quarter <> 0) as quarter_required,
       count(*) filter (where o.due_mask & s.quarter <> 0 and o.miss_mask & s.quarter = 0) as quarter_met,
       count(*) filter (where o.due_mask & s.ytd <> 0) as ytd_required,
       count(*) filter (where o.due_mask & s.ytd <> 0 and o.miss_mask & s.ytd = 0) as ytd_met,
       count(*) filter (where o.due_mask & s.whole <> 0) as year_required,
       count(*) filter (where o.due_mask & s.whole <> 0 and o.miss_mask & s.whole = 0) as year_met
from org_life_orgs o
cross join spans s
where o.year = $year and in_scope(county_code, township, stage, ownership, locale, $city, $county, $township, $stage, $ownership, $locale, $visible)
