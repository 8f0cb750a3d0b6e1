-- Schools open in the year and their organisation / work coverage, per county in scope (every county listed).
-- params: year, county, township, stage, ownership, locale, visible
with per_county as (
    select county_code,
           sum(schools)::bigint as schools,
           sum(org_covered)::bigint as org_covered,
           sum(work_covered)::bigint as work_covered
    from scoped_schools('school_cells', $county, $township, $stage, $ownership, $locale, $visible)
    where year = $year and schools > 0
    group by county_code
)
select r.county_code, r.county_name, r.sort_order,
       coalesce(p.schools, 0) as schools,
       coalesce(p.org_covered, 0) as org_covered,
       coalesce(p.work_covered, 0) as work_covered
from regions r
left join per_county p using (county_code)
where list_contains($visible, r.county_code) and ($county is null or r.county_code = $county)
order by r.sort_order, r.county_code
