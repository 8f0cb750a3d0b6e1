-- Organisations in the year in scope whose term has ended (overdue: due date before the end of the year) or ends within the 6 months after it (due soon).
-- params: year, county, township, stage, ownership, locale, visible
select org_id, org_name, org_type, county_name, township, host_school_name,
       last_election_date, term_years, due_date,
       case when due_date < make_date($year + 1, 1, 1) then '已逾期' else '即将到期' end as status
from scoped_schools('org_facts', $county, $township, $stage, $ownership, $locale, $visible)
where year = $year and due_date < make_date($year + 1, 7, 1)
order by due_date, sort_order, org_name
