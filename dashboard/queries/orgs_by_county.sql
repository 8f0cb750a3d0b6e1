-- Top-level organisations in the year per county in scope (every county listed): type, formation, leadership, stars.
-- params: year, county, township, stage, ownership, locale, visible
with per_county as (
    select county_code,
           sum(orgs)::bigint as orgs,
           sum(committees)::bigint as committees,
           sum(general_branches)::bigint as general_branches,
           sum(branches)::bigint as branches,
           sum(org_standalone)::bigint as standalone,
           sum(org_joint + org_attached)::bigint as joint_or_attached,
           sum(hosted)::bigint as hosted,
           sum(combined)::bigint as combined,
           sum(separate)::bigint as separate,
           sum(vacant)::bigint as vacant,
           sum(rated)::bigint as rated,
           sum(five_star)::bigint as five_star
    from scoped_schools('school_cells', $county, $township, $stage, $ownership, $locale, $visible)
    where year = $year and orgs > 0
    group by county_code
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
