-- Schools open in each year and how they are covered (organisation and work coverage), in scope.
-- params: county, township, stage, ownership, locale, visible
select year,
       sum(schools)::bigint as schools,
       sum(org_covered)::bigint as org_covered,
       sum(work_covered)::bigint as work_covered,
       sum(standalone)::bigint as standalone,
       sum(joint)::bigint as joint,
       sum(attached)::bigint as attached,
       sum(adviser)::bigint as adviser,
       sum(uncovered)::bigint as uncovered
from scoped_schools('school_cells', $county, $township, $stage, $ownership, $locale, $visible)
where schools > 0
group by year
order by year
