-- Schools open in the year in scope with 3 or more full members but no organisation of their own (rule: ≥ 3 full members → own organisation).
-- params: year, county, township, stage, ownership, locale, visible
select school_id, school_name, county_name, township, stage,
       coverage, covering_org_name as covering_org,
       full_members, members_end as members
from scoped_schools('school_year_facts', $county, $township, $stage, $ownership, $locale, $visible)
where year = $year and in_sy and in_mf
  and coverage <> '单独建立'
  and full_members >= 3
order by full_members desc, sort_order, school_name
