-- Schools open in the year in scope that no organisation covers (adviser only, or nothing), with their size.
-- params: year, county, township, stage, ownership, locale, visible
select school_id, school_name, county_name, township, stage, ownership, locale,
       coverage, staff, coalesce(members_end, 0) as members,
       coalesce(full_members, 0) as full_members
from scoped_schools('school_year_facts', $county, $township, $stage, $ownership, $locale, $visible)
where year = $year and in_sy
  and coverage not in ('单独建立', '联合建立', '挂靠建立')
order by sort_order, township, school_name
