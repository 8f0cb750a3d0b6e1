-- Organisations (child branches included) in the year in scope by type: all of them, those established in the year, those that held their election in the year, and those whose secretary was appointed in the year (of those whose appointment date is filled in: secretaries_dated).
-- params: year, city, county, township, stage, ownership, locale, visible
-- columns: org_type, orgs, established, elected, secretaries_appointed, secretaries_dated
select org_type,
       count(*) as orgs,
       count(*) filter (where year(established_date) = $year) as established,
       count(*) filter (where year(last_election_date) = $year) as elected,
       count(*) filter (where year(secretary_appointed_date) = $year) as secretaries_appointed,
       count(secretary_appointed_date) as secretaries_dated
from org_facts
where year = $year and in_scope(county_code, township, stage, ownership, locale, $city, $county, $township, $stage, $ownership, $locale, $visible)
group by org_type
order by org_type
