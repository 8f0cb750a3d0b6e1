-- One school's fixed facts, if the user may see its county.
-- params: school_id, visible
-- columns: school_id, school_name, county_code, county_name, township, stage, ownership, locale, opened_year, closed_year
select s.school_id, s.school_name, s.county_code, r.county_name, s.township, s.stage, s.ownership, s.locale,
       s.opened_year, s.closed_year
from schools s
join regions r using (county_code)
where s.school_id = $school_id and ($visible is null or list_contains($visible, s.county_code))
