-- Schools open in the year in scope with 3 or more full members but no organisation of their own (rule: ≥ 3 full members → own organisation).
-- params: year, county, township, stage, ownership, locale, visible
select s.school_id, s.school_name, s.county_name, s.township, s.stage,
       sy.coverage, o.org_name as covering_org,
       m.members_end - m.probationary as full_members, m.members_end as members
from scoped_schools($county, $township, $stage, $ownership, $locale, $visible) s
join school_years sy on sy.school_id = s.school_id and sy.year = $year
join member_flows m on m.school_id = s.school_id and m.year = $year
left join orgs o on o.org_id = sy.org_id and o.year = $year
where is_open(s.opened_year, s.closed_year, $year)
  and sy.coverage <> '单独建立'
  and m.members_end - m.probationary >= 3
order by full_members desc, s.sort_order, s.school_name
