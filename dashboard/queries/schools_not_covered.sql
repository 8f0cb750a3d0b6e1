-- Schools open in the year in scope that no organisation covers (adviser only, or nothing), with their size.
-- params: year, county, township, stage, ownership, locale, visible
select s.school_id, s.school_name, s.county_name, s.township, s.stage, s.ownership, s.locale,
       sy.coverage, sy.staff, coalesce(m.members_end, 0) as members,
       coalesce(m.members_end - m.probationary, 0) as full_members
from scoped_schools($county, $township, $stage, $ownership, $locale, $visible) s
join school_years sy on sy.school_id = s.school_id and sy.year = $year
left join member_flows m on m.school_id = s.school_id and m.year = $year
where is_open(s.opened_year, s.closed_year, $year)
  and sy.coverage not in ('单独建立', '联合建立', '挂靠建立')
order by s.sort_order, s.township, s.school_name
