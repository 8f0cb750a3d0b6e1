-- Top-level organisations in the year in scope whose type does not fit their size (党支部 over 50 members; 党总支 under 50; 党委 under 100).
-- params: year, county, township, stage, ownership, locale, visible
select o.org_id, o.org_name, o.org_type, o.formation,
       o.full_members + o.probationary_members as members,
       case
           when o.org_type = '党支部' then '党员超过50名,宜设立党总支'
           when o.org_type = '党总支' then '党员不足50名,宜调整为党支部'
           else '党员不足100名,设立党委需经批准'
       end as finding,
       s.county_name, s.township, h.school_name as host_school_name
from orgs_placed o
join scoped_schools($county, $township, $stage, $ownership, $locale, $visible) s on s.school_id = o.place_school_id
left join schools h on h.school_id = o.host_school_id
where o.parent_org_id is null and o.year = $year
  and ((o.org_type = '党支部' and o.full_members + o.probationary_members > 50)
    or (o.org_type = '党总支' and o.full_members + o.probationary_members < 50)
    or (o.org_type = '党委' and o.full_members + o.probationary_members < 100))
order by s.sort_order, o.org_name
