-- Schools open in the year in scope, one row each: coverage, covering organisation, members, staff, demonstration level; the first $limit rows, with the total count.
-- params: year, county, township, stage, ownership, locale, visible, limit
with demo as (
    select school_id, rank
    from school_honor_years
    where kind = '党建示范校' and year = $year
)
select f.school_id, f.school_name, f.county_name, f.township, f.stage, f.ownership, f.locale,
       f.coverage, f.covering_org_name as org_name, f.covering_org_type as org_type, f.covering_leadership as leadership,
       coalesce(f.members_end, 0) as members, f.staff, f.students,
       case d.rank when 1 then '国家级' when 2 then '省级' when 3 then '市级' when 4 then '县级' end as demo_level,
       count(*) over () as total_rows
from scoped_schools('school_year_facts', $county, $township, $stage, $ownership, $locale, $visible) f
left join demo d on d.school_id = f.school_id
where f.year = $year and f.in_sy
order by f.sort_order, f.township, f.school_name
limit $limit
