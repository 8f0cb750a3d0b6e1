-- Schools whose name contains the text, among the counties the user may see (the profile page's picker).
-- params: text, visible
-- columns: school_id, school_name, county_name, stage
select s.school_id, s.school_name, r.county_name, s.stage
from schools s
join regions r using (county_code)
where ($visible is null or list_contains($visible, s.county_code))
  and ($text is null or contains(s.school_name, $text) or s.school_id = $text)
order by r.sort_order, s.school_name
limit 200
