-- Top-level organisations hosted by a school in the year, by the host school's stage: 一肩挑 / 分设 / 书记空缺.
-- params: year, city, county, township, stage, ownership, locale, visible
-- columns: stage, hosted, combined, separate, vacant
select stage,
       count(*) as hosted,
       count(*) filter (where leadership = '一肩挑') as combined,
       count(*) filter (where leadership = '分设') as separate,
       count(*) filter (where leadership = '书记空缺') as vacant
from org_facts
where parent_org_id is null and host_school_id is not null and year = $year and in_scope(county_code, township, stage, ownership, locale, $city, $county, $township, $stage, $ownership, $locale, $visible)
group by stage
order by stage
