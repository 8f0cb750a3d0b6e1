-- Member totals, admissions and staff in the year per county in scope (every county listed).
-- params: year, county, township, stage, ownership, locale, visible
with per_county as (
    select county_code,
           sum(members_start)::bigint as members_start,
           sum(members_end)::bigint as members_end,
           sum(admitted)::bigint as admitted,
           sum(transferred_in)::bigint as transferred_in,
           sum(transferred_out)::bigint as transferred_out,
           sum(exits)::bigint as exits,
           sum(admitted_backbone)::bigint as admitted_backbone,
           sum(reporting_staff)::bigint as staff
    from scoped_schools('school_cells', $county, $township, $stage, $ownership, $locale, $visible)
    where year = $year and reporting > 0
    group by county_code
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
