-- Schools open in the year and their organisation / work coverage, per school stage, in scope.
-- params: year, county, township, stage, ownership, locale, visible
select s.stage,
       count(*) as schools,
       count(*) filter (where sy.coverage in ('单独建立', '联合建立', '挂靠建立')) as org_covered,
       count(*) filter (where sy.coverage <> '未覆盖') as work_covered,
       count(*) filter (where sy.coverage = '单独建立') as standalone,
       count(*) filter (where sy.coverage in ('联合建立', '挂靠建立')) as joint_or_attached,
       count(*) filter (where sy.coverage = '党建指导员') as adviser,
       count(*) filter (where sy.coverage = '未覆盖') as uncovered
from scoped_schools($county, $township, $stage, $ownership, $locale, $visible) s
join school_years sy on sy.school_id = s.school_id and sy.year = $year
where is_open(s.opened_year, s.closed_year, $year)
group by s.stage
order by s.stage
