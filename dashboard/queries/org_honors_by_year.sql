-- Organisation awards (最强党支部, 先进基层党组织) made each year, by kind and level, for organisations in scope.
-- params: city, county, township, stage, ownership, locale, visible
-- columns: year, kind, level, awards
select year, kind, level, count(*) as awards
from org_honor_facts
where in_scope(county_code, township, stage, ownership, locale, $city, $county, $township, $stage, $ownership, $locale, $visible)
group by year, kind, level
order by year, kind, level
