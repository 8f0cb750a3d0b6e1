-- Member totals, flows, structure and admission pipeline per year, with staff, for the schools open that year in scope.
-- params: county, township, stage, ownership, locale, visible
select m.year,
       sum(m.members_start)::bigint as members_start,
       sum(m.members_end)::bigint as members_end,
       sum(m.members_end - m.members_start)::bigint as net_growth,
       sum(m.admitted)::bigint as admitted,
       sum(m.transferred_in)::bigint as transferred_in,
       sum(m.transferred_out)::bigint as transferred_out,
       sum(m.deceased)::bigint as deceased,
       sum(m.other_exits)::bigint as other_exits,
       sum(m.probationary)::bigint as probationary,
       sum(m.female)::bigint as female,
       sum(m.aged_35_or_under)::bigint as aged_35_or_under,
       sum(m.applicants)::bigint as applicants,
       sum(m.activists)::bigint as activists,
       sum(m.candidates)::bigint as candidates,
       sum(m.admitted_backbone)::bigint as admitted_backbone,
       sum(sy.staff)::bigint as staff,
       count(*) as schools_reporting
from scoped_schools($county, $township, $stage, $ownership, $locale, $visible) s
join member_flows m on m.school_id = s.school_id and is_open(s.opened_year, s.closed_year, m.year)
left join school_years sy on sy.school_id = m.school_id and sy.year = m.year
group by m.year
order by m.year
