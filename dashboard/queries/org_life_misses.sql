-- Each requirement of 三会一课 over the year to date in scope: organisations (child branches included) it fell due for, those that missed it at least once, and the periods due and missed; the most missed first (by organisations, then periods, then the regulations' order).
-- params: year, city, county, township, stage, ownership, locale, visible
-- columns: kind, period, orgs_required, orgs_missed, periods_due, periods_missed
with spans as (
    select ytd_mask as ytd from org_life_years where year = $year
)
select f.kind, f.period,
       count(*) filter (where f.due_mask & s.ytd <> 0) as orgs_required,
       count(*) filter (where f.miss_mask & s.ytd <> 0) as orgs_missed,
       coalesce(sum(bit_count(f.due_mask & s.ytd)), 0)::bigint as periods_due,
       coalesce(sum(bit_count(f.miss_mask & s.ytd)), 0)::bigint as periods_missed
from org_life_facts f
cross join spans s
where f.year = $year and in_scope(f.county_code, f.township, f.stage, f.ownership, f.locale, $city, $county, $township, $stage, $ownership, $locale, $visible)
group by f.kind, f.period
order by orgs_missed desc, periods_missed desc, min(f.ord)
