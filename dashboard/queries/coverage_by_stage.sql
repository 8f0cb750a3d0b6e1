-- Schools open in the year and their organisation / work coverage, per school stage, in scope.
-- params: year, city, county, township, stage, ownership, locale, visible
-- columns: stage, schools, org_covered, work_covered, standalone, joint_or_attached, adviser, uncovered
select stage,
       sum(schools)::bigint as schools,
       sum(org_covered)::bigint as org_covered,
       sum(work_covered)::bigint as work_covered,
       sum(standalone)::bigint as standalone,
       sum(joint + attached)::bigint as joint_or_attached,
       sum(adviser)::bigint as adviser,
       sum(uncovered)::bigint as uncovered
from unit_cells('county', $city, $county, $township, $stage, $ownership, $locale, $visible)
where year = $year and schools > 0
group by stage
order by stage
