-- Schools open in the year in scope, one row each: coverage, covering organisation, members, staff, demonstration level; the first $limit rows, with the total count.
-- params: year, county, township, stage, ownership, locale, visible, limit
with demo as (
    select school_id,
           min(case level when '国家级' then 1 when '省级' then 2 when '市级' then 3 else 4 end) as rank
    from honors
    where kind = '党建示范校' and year_awarded <= $year and (revoked_year is null or revoked_year > $year)
    group by school_id
)
select s.school_id, s.school_name, s.county_name, s.township, s.stage, s.ownership, s.locale,
       sy.coverage, o.org_name, o.org_type, o.leadership,
       coalesce(m.members_end, 0) as members, sy.staff, sy.students,
       case d.rank when 1 then '国家级' when 2 then '省级' when 3 then '市级' when 4 then '县级' end as demo_level,
       count(*) over () as total_rows
from scoped_schools($county, $township, $stage, $ownership, $locale, $visible) s
join school_years sy on sy.school_id = s.school_id and sy.year = $year
left join orgs o on o.org_id = sy.org_id and o.year = $year
left join member_flows m on m.school_id = s.school_id and m.year = $year
left join demo d on d.school_id = s.school_id
where is_open(s.opened_year, s.closed_year, $year)
order by s.sort_order, s.township, s.school_name
limit $limit
