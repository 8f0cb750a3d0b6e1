-- One row per school and year in which the school is open, with its coverage, members and the
-- covering organisation's name, type and leadership that year.
-- needs: _scope, school_years, member_flows, schools, regions, orgs
--
-- DESIGN §3 "Schools in year y" (is_open). A year may have school_years, member_flows or both:
-- in_sy and in_mf say which, the other side's columns being null as in a left join.
-- full_members is stored, not computed in the queries, so a condition on it is applied while
-- scanning (before the names are read).
create or replace table school_year_facts as
    select coalesce(sy.year, m.year) as year,
           s.county_code, s.township, s.stage, s.ownership, s.locale,
           s.school_id, s.school_name, r.county_name, r.sort_order,
           sy.school_id is not null as in_sy, m.school_id is not null as in_mf,
           sy.staff, sy.students, sy.coverage, sy.org_id,
           o.org_name as covering_org_name, o.org_type as covering_org_type, o.leadership as covering_leadership,
           m.members_start, m.admitted, m.transferred_in, m.transferred_out, m.deceased, m.other_exits,
           m.members_end, m.probationary, m.members_end - m.probationary as full_members,
           m.female, m.aged_35_or_under,
           m.applicants, m.activists, m.candidates, m.admitted_backbone
    from school_years sy
    full join member_flows m on m.school_id = sy.school_id and m.year = sy.year
    left join orgs o on o.org_id = sy.org_id and o.year = sy.year
    join schools s on s.school_id = coalesce(sy.school_id, m.school_id)
    join regions r on r.county_code = s.county_code
    where is_open(s.opened_year, s.closed_year, coalesce(sy.year, m.year))
    order by year, s.county_code, s.school_id;
