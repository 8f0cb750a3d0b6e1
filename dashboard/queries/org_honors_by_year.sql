-- Organisation awards (最强党支部, 先进基层党组织) made each year, by kind and level, for organisations in scope.
-- params: county, township, stage, ownership, locale, visible
select year, kind, level, count(*) as awards
from scoped_schools('org_honor_facts', $county, $township, $stage, $ownership, $locale, $visible)
group by year, kind, level
order by year, kind, level
