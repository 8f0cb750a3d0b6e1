-- The counties the user may see, in the bureau's order (filter options, names and rankings).
-- params: visible
-- columns: county_code, county_name, city_code, city_name, sort_order
select county_code, county_name, city_code, city_name, sort_order
from regions
where $visible is null or list_contains($visible, county_code)
order by sort_order, county_code
