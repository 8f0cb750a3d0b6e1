-- The townships of one county that the user may see (filter options and the township level).
-- params: county, visible
-- columns: township
select distinct township
from schools
where county_code = $county and ($visible is null or list_contains($visible, county_code))
order by township
