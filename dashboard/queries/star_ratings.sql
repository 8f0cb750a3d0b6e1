-- Top-level organisations in the year by star rating (null = not rated), in scope.
-- params: year, city, county, township, stage, ownership, locale, visible
-- columns: star_rating, orgs
select star_rating, count(*) as orgs
from org_facts
where parent_org_id is null and year = $year and in_scope(county_code, township, stage, ownership, locale, $city, $county, $township, $stage, $ownership, $locale, $visible)
group by star_rating
order by star_rating nulls last
