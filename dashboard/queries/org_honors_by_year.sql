-- Organisation awards (最强党支部, 先进基层党组织) made each year, by kind and level, for organisations in scope.
-- params: county, township, stage, ownership, locale, visible
select h.year_awarded as year, h.kind, h.level, count(*) as awards
from honors h
join orgs_placed o on o.org_id = h.org_id and o.year = h.year_awarded
join scoped_schools($county, $township, $stage, $ownership, $locale, $visible) s on s.school_id = o.place_school_id
where h.org_id is not null
group by h.year_awarded, h.kind, h.level
order by year, h.kind, h.level
