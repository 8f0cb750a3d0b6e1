-- Top-level organisations in the year by star rating (null = not rated), in scope.
-- params: year, county, township, stage, ownership, locale, visible
select o.star_rating, count(*) as orgs
from orgs_placed o
join scoped_schools($county, $township, $stage, $ownership, $locale, $visible) s on s.school_id = o.place_school_id
where o.parent_org_id is null and o.year = $year
group by o.star_rating
order by o.star_rating nulls last
