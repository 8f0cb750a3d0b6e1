-- Top-level organisations in the year by organisation type and formation, in scope.
-- params: year, county, township, stage, ownership, locale, visible
select o.org_type, o.formation, count(*) as orgs
from orgs_placed o
join scoped_schools($county, $township, $stage, $ownership, $locale, $visible) s on s.school_id = o.place_school_id
where o.parent_org_id is null and o.year = $year
group by o.org_type, o.formation
order by o.org_type, o.formation
