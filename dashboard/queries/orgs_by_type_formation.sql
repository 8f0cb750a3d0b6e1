-- Top-level organisations in the year by organisation type and formation, in scope.
-- params: year, county, township, stage, ownership, locale, visible
select org_type, formation, count(*) as orgs
from scoped_schools('org_facts', $county, $township, $stage, $ownership, $locale, $visible)
where parent_org_id is null and year = $year
group by org_type, formation
order by org_type, formation
