-- Schools open in the year and how they are covered, per unit at the comparison level (every unit listed).
-- params: level, year, city, county, township, stage, ownership, locale, visible
-- columns: unit_code, unit_name, schools, org_covered, work_covered, standalone, joint_or_attached, adviser, uncovered
with per_unit as (
    select unit_code,
           sum(schools)::bigint as schools,
           sum(org_covered)::bigint as org_covered,
           sum(work_covered)::bigint as work_covered,
           sum(standalone)::bigint as standalone,
           sum(joint + attached)::bigint as joint_or_attached,
           sum(adviser)::bigint as adviser,
           sum(uncovered)::bigint as uncovered
    from unit_cells($level, $city, $county, $township, $stage, $ownership, $locale, $visible)
    where year = $year and schools > 0
    group by unit_code
)
select u.unit_code, u.unit_name,
       coalesce(p.schools, 0) as schools,
       coalesce(p.org_covered, 0) as org_covered,
       coalesce(p.work_covered, 0) as work_covered,
       coalesce(p.standalone, 0) as standalone,
       coalesce(p.joint_or_attached, 0) as joint_or_attached,
       coalesce(p.adviser, 0) as adviser,
       coalesce(p.uncovered, 0) as uncovered
from scope_units($level, $year, $city, $county, $township, $visible) u
left join per_unit p using (unit_code)
order by u.unit_order
