-- Top-level organisations hosted by a school in the year, by organisation type: 一肩挑 / 分设 / 书记空缺.
-- params: year, county, township, stage, ownership, locale, visible
select o.org_type,
       count(*) as hosted,
       count(*) filter (where o.leadership = '一肩挑') as combined,
       count(*) filter (where o.leadership = '分设') as separate,
       count(*) filter (where o.leadership = '书记空缺') as vacant
from orgs_placed o
join scoped_schools($county, $township, $stage, $ownership, $locale, $visible) s on s.school_id = o.host_school_id
where o.parent_org_id is null and o.year = $year
group by o.org_type
order by o.org_type
