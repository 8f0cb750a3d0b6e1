-- The counties the user may see, in the bureau's order (filter options and rankings).
-- params: visible
select county_code, county_name, city_name, sort_order
from regions
where list_contains($visible, county_code)
order by sort_order, county_code
