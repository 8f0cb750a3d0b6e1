-- Top-level organisations per year in scope: by type, formation, leadership (of those hosted by a school), host ownership and stars.
-- params: county, township, stage, ownership, locale, visible
select o.year,
       count(*) as orgs,
       count(*) filter (where o.org_type = '党委') as committees,
       count(*) filter (where o.org_type = '党总支') as general_branches,
       count(*) filter (where o.org_type = '党支部') as branches,
       count(*) filter (where o.formation = '单独建立') as standalone,
       count(*) filter (where o.formation = '联合建立') as joint,
       count(*) filter (where o.formation = '挂靠建立') as attached,
       count(*) filter (where o.host_school_id is not null) as hosted,
       count(*) filter (where o.host_school_id is not null and o.leadership = '一肩挑') as combined,
       count(*) filter (where o.host_school_id is not null and o.leadership = '分设') as separate,
       count(*) filter (where o.host_school_id is not null and o.leadership = '书记空缺') as vacant,
       count(*) filter (where o.host_school_id is not null and s.ownership = '公办') as hosted_public,
       count(*) filter (where o.host_school_id is not null and s.ownership = '民办') as hosted_private,
       count(o.star_rating) as rated,
       count(*) filter (where o.star_rating = 5) as five_star,
       sum(o.full_members + o.probationary_members)::bigint as org_members
from orgs_placed o
join scoped_schools($county, $township, $stage, $ownership, $locale, $visible) s on s.school_id = o.place_school_id
where o.parent_org_id is null
group by o.year
order by o.year
