-- Member totals, flows, structure and admission pipeline per year, with staff, for the schools open that year in scope.
-- params: county, township, stage, ownership, locale, visible
select year,
       sum(members_start)::bigint as members_start,
       sum(members_end)::bigint as members_end,
       sum(net_growth)::bigint as net_growth,
       sum(admitted)::bigint as admitted,
       sum(transferred_in)::bigint as transferred_in,
       sum(transferred_out)::bigint as transferred_out,
       sum(deceased)::bigint as deceased,
       sum(other_exits)::bigint as other_exits,
       sum(probationary)::bigint as probationary,
       sum(female)::bigint as female,
       sum(aged_35_or_under)::bigint as aged_35_or_under,
       sum(applicants)::bigint as applicants,
       sum(activists)::bigint as activists,
       sum(candidates)::bigint as candidates,
       sum(admitted_backbone)::bigint as admitted_backbone,
       sum(reporting_staff)::bigint as staff,
       sum(reporting)::bigint as schools_reporting
from scoped_schools('school_cells', $county, $township, $stage, $ownership, $locale, $visible)
where reporting > 0
group by year
order by year
