-- Schools open in the year in scope with at least rules.OWN_ORG_MIN_FULL_MEMBERS full members but no organisation of their own.
-- params: year, city, county, township, stage, ownership, locale, visible
-- columns: school_id, school_name, county_name, township, stage, coverage, covering_org, full_members, members
select school_id, school_name, county_name, township, stage,
       coverage, covering_org_name as covering_org,
       full_members, members_end as members
from school_year_facts
where year = $year and in_sy and in_mf and in_scope(county_code, township, stage, ownership, locale, $city, $county, $township, $stage, $ownership, $locale, $visible)
  and coverage <> '单独建立'
  and full_members >= (select value from rule_values where name = 'own_org_min_full_members')
order by full_members desc, sort_order, school_name
