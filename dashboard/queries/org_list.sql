-- Top-level organisations in the year in scope, with host school, leadership, stars and members; the first $limit rows, with the total count.
-- params: year, county, township, stage, ownership, locale, visible, limit
select org_id, org_name, org_type, formation, leadership, star_rating,
       full_members, probationary_members,
       host_school_id, host_school_name,
       county_name, township,
       schools_covered,
       count(*) over () as total_rows
from scoped_schools('org_facts', $county, $township, $stage, $ownership, $locale, $visible)
where parent_org_id is null and year = $year
order by sort_order, township, org_name
limit $limit
