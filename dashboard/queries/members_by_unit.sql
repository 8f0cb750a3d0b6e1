-- Member totals, admissions and staff in the year per unit at the comparison level (every unit listed).
-- params: level, year, city, county, township, stage, ownership, locale, visible
-- columns: unit_code, unit_name, members_start, members_end, net_growth, admitted, transferred_in, transferred_out, exits, admitted_backbone, staff
with per_unit as (
    select unit_code,
           sum(members_start)::bigint as members_start,
           sum(members_end)::bigint as members_end,
           sum(admitted)::bigint as admitted,
           sum(transferred_in)::bigint as transferred_in,
           sum(transferred_out)::bigint as transferred_out,
           sum(exits)::bigint as exits,
           sum(admitted_backbone)::bigint as admitted_backbone,
           sum(reporting_staff)::bigint as staff
    from unit_cells($level, $city, $county, $township, $stage, $ownership, $locale, $visible)
    where year = $year and reporting > 0
    group by unit_code
)
select u.unit_code, u.unit_name,
       coalesce(p.members_start, 0) as members_start,
       coalesce(p.members_end, 0) as members_end,
       coalesce(p.members_end, 0) - coalesce(p.members_start, 0) as net_growth,
       coalesce(p.admitted, 0) as admitted,
       coalesce(p.transferred_in, 0) as transferred_in,
       coalesce(p.transferred_out, 0) as transferred_out,
       coalesce(p.exits, 0) as exits,
       coalesce(p.admitted_backbone, 0) as admitted_backbone,
       coalesce(p.staff, 0) as staff
from scope_units($level, $year, $city, $county, $township, $visible) u
left join per_unit p using (unit_code)
order by u.unit_order
