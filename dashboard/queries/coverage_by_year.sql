-- Schools open in each year and how they are covered (organisation and work coverage), in scope.
-- params: county, township, stage, ownership, locale, visible
select sy.year,
       count(*) as schools,
       count(*) filter (where sy.coverage in ('单独建立', '联合建立', '挂靠建立')) as org_covered,
       count(*) filter (where sy.coverage <> '未覆盖') as work_covered,
       count(*) filter (where sy.coverage = '单独建立') as standalone,
       count(*) filter (where sy.coverage = '联合建立') as joint,
       count(*) filter (where sy.coverage = '挂靠建立') as attached,
       count(*) filter (where sy.coverage = '党建指导员') as adviser,
       count(*) filter (where sy.coverage = '未覆盖') as uncovered
from scoped_schools($county, $township, $stage, $ownership, $locale, $visible) s
join school_years sy on sy.school_id = s.school_id and is_open(s.opened_year, s.closed_year, sy.year)
group by sy.year
order by sy.year
