-- Member totals, admissions and staff in the year per county in scope (every county listed).
-- params: year, county, township, stage, ownership, locale, visible
with per_county as (
    select s.county_code,
           sum(m.members_start)::bigint as members_start,
           sum(m.members_end)::bigint as members_end,
           sum(m.admitted)::bigint as admitted,
           sum(m.transferred_in)::bigint as transferred_in,
           sum(m.transferred_out)::bigint as transferred_out,
           sum(m.deceased + m.other_exits)::bigint as exits,
           sum(m.admitted_backbone)::bigint as admitted_backbone,
           sum(sy.staff)::bigint as staff
    from scoped_schools($county, $township, $stage, $ownership, $locale, $visible) s
    join member_flows m on m.school_id = s.school_id and m.year = $year
    left join school_years sy on sy.school_id = m.school_id and sy.year = m.year
    where is_open(s.opened_year, s.closed_year, $year)
    group by s.county_code
)
select r.county_code, r.county_name, r.sort_order,
       coalesce(p.members_start, 0) as members_start,
       coalesce(p.members_end, 0) as members_end,
       coalesce(p.members_end, 0) - coalesce(p.members_start, 0) as net_growth,
       coalesce(p.admitted, 0) as admitted,
       coalesce(p.transferred_in, 0) as transferred_in,
       coalesce(p.transferred_out, 0) as transferred_out,
       coalesce(p.exits, 0) as exits,
       coalesce(p.admitted_backbone, 0) as admitted_backbone,
       coalesce(p.staff, 0) as staff
from regions r
left join per_county p using (county_code)
where list_contains($visible, r.county_code) and ($county is null or r.county_code = $county)
order by r.sort_order, r.county_code
