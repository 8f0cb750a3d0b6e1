-- Awards of one school and of the organisations it hosts, newest first.
-- params: school_id, visible
-- columns: year_awarded, kind, level, title, revoked_year
select h.year_awarded, h.kind, h.level, h.title, h.revoked_year
from honors h
join schools s on s.school_id = $school_id
where ($visible is null or list_contains($visible, s.county_code))
  and (h.school_id = $school_id
       or h.org_id in (select org_id from orgs where host_school_id = $school_id))
order by h.year_awarded desc, h.kind
