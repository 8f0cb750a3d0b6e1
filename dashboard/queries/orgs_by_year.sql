-- Top-level organisations per year in scope: by type, formation, leadership (of those hosted by a school), host ownership and stars.
-- params: county, township, stage, ownership, locale, visible
select year,
       sum(orgs)::bigint as orgs,
       sum(committees)::bigint as committees,
       sum(general_branches)::bigint as general_branches,
       sum(branches)::bigint as branches,
       sum(org_standalone)::bigint as standalone,
       sum(org_joint)::bigint as joint,
       sum(org_attached)::bigint as attached,
       sum(hosted)::bigint as hosted,
       sum(combined)::bigint as combined,
       sum(separate)::bigint as separate,
       sum(vacant)::bigint as vacant,
       sum(hosted_public)::bigint as hosted_public,
       sum(hosted_private)::bigint as hosted_private,
       sum(rated)::bigint as rated,
       sum(five_star)::bigint as five_star,
       sum(org_members)::bigint as org_members
from scoped_schools('school_cells', $county, $township, $stage, $ownership, $locale, $visible)
where orgs > 0
group by year
order by year
