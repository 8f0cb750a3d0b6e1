-- Schools open in the year in scope, one row each: coverage, covering organisation, members, staff, demonstration level; the first $limit rows, with the total count.
-- params: year, city, county, township, stage, ownership, locale, visible, limit
-- columns: school_id, school_name, county_name, township, stage, ownership, locale, coverage, org_name, org_type, leadership, members, staff, students, demo_level, total_rows
with demo as (
    select d.school_id, l.level
    from school_honor_years d
    join rule_levels l on l.rank = d.rank
    where d.kind = '党建示范校' and d.year = $year
)
select f.school_id, f.school_name, f.county_name, f.township, f.stage, f.ownership, f.locale,
       f.coverage, f.covering_org_name as org_name, f.covering_org_type as org_type, f.covering_leadership as leadership,
       coalesce(f.members_end, 0) as members, f.staff, f.students,
       d.level as demo_level,
       count(*) over () as total_rows
from school_year_facts f
left join demo d on d.school_id = f.school_id
where f.year = $year and f.in_sy
  and in_scope(f.county_code, f.township, f.stage, f.ownership, f.locale, $city, $county, $township, $stage, $ownership, $locale, $visible)
order by f.sort_order, f.township, f.school_name
limit $limit
