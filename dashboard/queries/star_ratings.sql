-- Top-level organisations in the year by star rating (null = not rated), in scope.
-- params: year, county, township, stage, ownership, locale, visible
select star_rating, count(*) as orgs
from scoped_schools('org_facts', $county, $township, $stage, $ownership, $locale, $visible)
where parent_org_id is null and year = $year
group by star_rating
order by star_rating nulls last
