-- Top-level organisations in the year in scope whose type does not fit their size (党支部 over 50 members; 党总支 under 50; 党委 under 100).
-- params: year, county, township, stage, ownership, locale, visible
select org_id, org_name, org_type, formation,
       full_members + probationary_members as members,
       case
           when org_type = '党支部' then '党员超过50名,宜设立党总支'
           when org_type = '党总支' then '党员不足50名,宜调整为党支部'
           else '党员不足100名,设立党委需经批准'
       end as finding,
       county_name, township, host_school_name
from scoped_schools('org_facts', $county, $township, $stage, $ownership, $locale, $visible)
where parent_org_id is null and year = $year
  and ((org_type = '党支部' and full_members + probationary_members > 50)
    or (org_type = '党总支' and full_members + probationary_members < 50)
    or (org_type = '党委' and full_members + probationary_members < 100))
order by sort_order, org_name
