-- One school across all years: size, coverage, covering organisation (type, leadership, stars, election) and members.
-- params: school_id, visible
-- columns: year, staff, students, coverage, org_id, org_name, org_type, formation, leadership, star_rating, last_election_date, term_years, hosts_org, members_start, members_end, admitted, transferred_in, transferred_out, exits, probationary, admitted_backbone
select sy.year, sy.staff, sy.students, sy.coverage,
       o.org_id, o.org_name, o.org_type, o.formation, o.leadership, o.star_rating,
       o.last_election_date, o.term_years,
       (o.host_school_id = sy.school_id) as hosts_org,
       m.members_start, m.members_end, m.admitted, m.transferred_in, m.transferred_out,
       m.deceased + m.other_exits as exits, m.probationary, m.admitted_backbone
from school_years sy
join schools s on s.school_id = sy.school_id
left join orgs o on o.org_id = sy.org_id and o.year = sy.year
left join member_flows m on m.school_id = sy.school_id and m.year = sy.year
where sy.school_id = $school_id and ($visible is null or list_contains($visible, s.county_code))
order by sy.year
