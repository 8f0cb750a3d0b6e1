-- The townships of one county that the user may see (filter options).
-- params: county, visible
select distinct township
from schools
where county_code = $county and list_contains($visible, county_code)
order by township
