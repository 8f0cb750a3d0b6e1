-- Schools open in the year and their organisation / work coverage, per county in scope (every county listed).
-- params: year, county, township, stage, ownership, locale, visible
with per_county as (
    select s.county_code,
           count(*) as schools,
           count(*) filter (where sy.coverage in ('单独建立', '联合建立', '挂靠建立')) as org_covered,
           count(*) filter (where sy.coverage <> '未覆盖') as work_covered
    from scoped_schools($county, $township, $stage, $ownership, $locale, $visible) s
    join school_years sy on sy.school_id = s.school_id and sy.year = $year
    where is_open(s.opened_year, s.closed_year, $year)
    group by s.county_code
)
select r.county_code, r.county_name, r.sort_order,
       coalesce(p.schools, 0) as schools,
       coalesce(p.org_covered, 0) as org_covered,
       coalesce(p.work_covered, 0) as work_covered
from regions r
left join per_county p using (county_code)
where list_contains($visible, r.county_code) and ($county is null or r.county_code = $county)
order by r.sort_order, r.county_code
