-- Top-level organisations in the year in scope whose type does not fit their size (rules.SIZE_BANDS: members outside the type's band).
-- params: year, city, county, township, stage, ownership, locale, visible
-- columns: org_id, org_name, org_type, formation, members, finding, county_name, township, host_school_name
select o.org_id, o.org_name, o.org_type, o.formation,
       o.full_members + o.probationary_members as members,
       b.finding,
       o.county_name, o.township, o.host_school_name
from org_facts o
join rule_size_bands b on b.org_type = o.org_type
where o.parent_org_id is null and o.year = $year
  and in_scope(o.county_code, o.township, o.stage, o.ownership, o.locale, $city, $county, $township, $stage, $ownership, $locale, $visible)
  and (o.full_members + o.probationary_members < b.min_members
       or o.full_members + o.probationary_members > b.max_members)
order by o.sort_order nulls last, o.org_name
