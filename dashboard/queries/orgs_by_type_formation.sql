-- Top-level organisations in the year by organisation type and formation, in scope.
-- params: year, city, county, township, stage, ownership, locale, visible
-- columns: org_type, formation, orgs
select org_type, formation, count(*) as orgs
from org_facts
where parent_org_id is null and year = $year and in_scope(county_code, township, stage, ownership, locale, $city, $county, $township, $stage, $ownership, $locale, $visible)
group by org_type, formation
order by org_type, formation
