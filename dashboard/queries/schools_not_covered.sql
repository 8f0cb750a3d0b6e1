-- Schools open in the year in scope that no organisation covers (adviser only, or nothing), with their size.
-- params: year, city, county, township, stage, ownership, locale, visible
-- columns: school_id, school_name, county_name, township, stage, ownership, locale, coverage, staff, members, full_members
select school_id, school_name, county_name, township, stage, ownership, locale,
       coverage, staff, coalesce(members_end, 0) as members,
       coalesce(full_members, 0) as full_members
from school_year_facts
where year = $year and in_sy and in_scope(county_code, township, stage, ownership, locale, $city, $county, $township, $stage, $ownership, $locale, $visible)
  and coverage not in ('单独建立', '联合建立', '挂靠建立')
order by sort_order, township, school_name
