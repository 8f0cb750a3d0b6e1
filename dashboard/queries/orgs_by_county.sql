-- Top-level organisations in the year per county in scope (every county listed): type, formation, leadership, stars.
-- params: year, county, township, stage, ownership, locale, visible
with per_county as (
    select s.county_code,
           count(*) as orgs,
           count(*) filter (where o.org_type = '党委') as committees,
           count(*) filter (where o.org_type = '党总支') as general_branches,
           count(*) filter (where o.org_type = '党支部') as branches,
           count(*) filter (where o.formation = '单独建立') as standalone,
           count(*) filter (where o.formation in ('联合建立', '挂靠建立')) as joint_or_attached,
           count(*) filter (where o.host_school_id is not null) as hosted,
           count(*) filter (where o.host_school_id is not null and o.leadership = '一肩挑') as combined,
           count(*) filter (where o.host_school_id is not null and o.leadership = '分设') as separate,
           count(*) filter (where o.host_school_id is not null and o.leadership = '书记空缺') as vacant,
           count(o.star_rating) as rated,
           count(*) filter (where o.star_rating = 5) as five_star
    from orgs_placed o
    join scoped_schools($county, $township, $stage, $ownership, $locale, $visible) s on s.school_id = o.place_school_id
    where o.parent_org_id is null and o.year = $year
    group by s.county_code
)
select r.county_code, r.county_name, r.sort_order,
       coalesce(p.orgs, 0) as orgs,
       coalesce(p.committees, 0) as committees,
       coalesce(p.general_branches, 0) as general_branches,
       coalesce(p.branches, 0) as branches,
       coalesce(p.standalone, 0) as standalone,
       coalesce(p.joint_or_attached, 0) as joint_or_attached,
       coalesce(p.hosted, 0) as hosted,
       coalesce(p.combined, 0) as combined,
       coalesce(p.separate, 0) as separate,
       coalesce(p.vacant, 0) as vacant,
       coalesce(p.rated, 0) as rated,
       coalesce(p.five_star, 0) as five_star
from regions r
left join per_county p using (county_code)
where list_contains($visible, r.county_code) and ($county is null or r.county_code = $county)
order by r.sort_order, r.county_code
