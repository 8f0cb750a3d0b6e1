-- Top-level organisations in the year in scope, with host school, leadership, stars and members; the first $limit rows, with the total count.
-- params: year, city, county, township, stage, ownership, locale, visible, limit
-- columns: org_id, org_name, org_type, formation, leadership, star_rating, full_members, probationary_members, host_school_id, host_school_name, county_name, township, schools_covered, placed_by, total_rows
select org_id, org_name, org_type, formation, leadership, star_rating,
       full_members, probationary_members,
       host_school_id, host_school_name,
       county_name, township,
       schools_covered, placed_by,
       count(*) over () as total_rows
from org_facts
where parent_org_id is null and year = $year and in_scope(county_code, township, stage, ownership, locale, $city, $county, $township, $stage, $ownership, $locale, $visible)
order by sort_order nulls last, township, org_name
limit $limit
