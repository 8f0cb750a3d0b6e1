-- Organisations (child branches included) in the year in scope whose term has ended (overdue: due date before the end of the year) or ends within the rules' due-soon window after it (due soon).
-- params: year, city, county, township, stage, ownership, locale, visible
-- columns: org_id, org_name, org_type, county_name, township, host_school_name, last_election_date, term_years, due_date, status
select org_id, org_name, org_type, county_name, township, host_school_name,
       last_election_date, term_years, due_date,
       case when due_date < make_date($year + 1, 1, 1) then '已逾期' else '即将到期' end as status
from org_facts
where year = $year and in_scope(county_code, township, stage, ownership, locale, $city, $county, $township, $stage, $ownership, $locale, $visible)
  and due_date < make_date($year + 1, 1, 1)
                 + to_months((select value from rule_values where name = 'due_soon_months'))
order by due_date, sort_order nulls last, org_name
