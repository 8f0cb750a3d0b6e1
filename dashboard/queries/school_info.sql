-- One school's fixed facts, if the user may see its county.
-- params: school_id, visible
select s.school_id, s.school_name, s.county_code, r.county_name, s.township, s.stage, s.ownership, s.locale,
       s.opened_year, s.closed_year
from schools s
join regions r using (county_code)
where s.school_id = $school_id and list_contains($visible, s.county_code)
