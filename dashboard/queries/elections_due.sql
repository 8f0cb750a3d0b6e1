-- Organisations in the year in scope whose term has ended (overdue: due date before the end of the year) or ends within the 6 months after it (due soon).
-- params: year, county, township, stage, ownership, locale, visible
with due as (
    select o.org_id, o.org_name, o.org_type, o.parent_org_id, o.last_election_date, o.term_years,
           cast(o.last_election_date + to_years(o.term_years) as date) as due_date,
           s.county_name, s.township, h.school_name as host_school_name, s.sort_order
    from orgs_placed o
    join scoped_schools($county, $township, $stage, $ownership, $locale, $visible) s on s.school_id = o.place_school_id
    left join schools h on h.school_id = o.host_school_id
    where o.year = $year
)
select org_id, org_name, org_type, county_name, township, host_school_name,
       last_election_date, term_years, due_date,
       case when due_date < make_date($year + 1, 1, 1) then '已逾期' else '即将到期' end as status
from due
where due_date < make_date($year + 1, 7, 1)
order by due_date, sort_order, org_name
