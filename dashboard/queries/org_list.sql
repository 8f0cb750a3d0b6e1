-- Every top-level organisation in the year in scope, with its host school, leadership, stars and members.
-- params: year, county, township, stage, ownership, locale, visible
select o.org_id, o.org_name, o.org_type, o.formation, o.leadership, o.star_rating,
       o.full_members, o.probationary_members,
       o.host_school_id, h.school_name as host_school_name,
       s.county_name, s.township,
       (select count(*) from school_years sy where sy.org_id = o.org_id and sy.year = o.year) as schools_covered
from orgs_placed o
join scoped_schools($county, $township, $stage, $ownership, $locale, $visible) s on s.school_id = o.place_school_id
left join schools h on h.school_id = o.host_school_id
where o.parent_org_id is null and o.year = $year
order by s.sort_order, s.township, o.org_name
