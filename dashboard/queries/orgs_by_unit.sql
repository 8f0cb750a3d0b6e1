-- Top-level organisations in the year per unit at the comparison level (every unit listed, then one row with a null unit for organisations that cannot be placed): type, formation, leadership, stars.
-- params: level, year, city, county, township, stage, ownership, locale, visible
-- columns: unit_code, unit_name, orgs, committees, general_branches, branches, standalone, joint_or_attached, hosted, combined, separate, vacant, rated, five_star
with per_unit as (
    select unit_code,
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
    from unit_cells($level, $city, $county, $township, $stage, $ownership, $locale, $visible)
    where year = $year and orgs > 0
    group by unit_code
)
select * exclude (ord) from (
    select u.unit_code, u.unit_name, u.unit_order as ord,
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
    from scope_units($level, $year, $city, $county, $township, $visible) u
    left join per_unit p using (unit_code)
    union all
    -- DESIGN §3: an organisation that cannot be placed still counts; its unit is null.
    select null, null, null, orgs, committees, general_branches, branches, standalone, joint_or_attached,
           hosted, combined, separate, vacant, rated, five_star
    from per_unit
    where unit_code is null
)
order by ord nulls last
