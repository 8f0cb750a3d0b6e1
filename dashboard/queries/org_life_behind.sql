-- Organisations (child branches included) in scope behind on 三会一课 in the year's current quarter: one row per requirement period falling due in it (the quarter's months, the quarter when complete, the year when the quarter is its last and complete) that was not met, with the times held in that period.
-- params: year, city, county, township, stage, ownership, locale, visible
-- columns: org_id, org_name, org_type, parent_org_name, county_name, township, host_school_name, place_school_id, kind, label, period, due_month, times
with spans as (
    select quarter_mask as quarter from org_life_years where year = $year
),
missed as (
    select f.org_id, f.kind, f.label, f.period, f.ord, m.month as due_month
    from org_life_facts f
    cross join spans s
    cross join range(1, 13) m(month)
    where f.year = $year and f.miss_mask & s.quarter & month_bit(m.month) <> 0
      and in_scope(f.county_code, f.township, f.stage, f.ownership, f.locale, $city, $county, $township, $stage, $ownership, $locale, $visible)
),
held as (
    select x.org_id, x.kind, x.due_month, coalesce(sum(a.times), 0)::bigint as times
    from missed x
    left join org_activities a
      on a.org_id = x.org_id and a.year = $year and a.kind = x.kind
     and a.month between period_start(x.period, x.due_month) and x.due_month
    group by x.org_id, x.kind, x.due_month
)
select o.org_id, o.org_name, o.org_type, p.org_name as parent_org_name, o.county_name, o.township,
       o.host_school_name, o.place_school_id, x.kind, x.label, x.period, x.due_month, h.times
from missed x
join held h using (org_id, kind, due_month)
join org_life_orgs o on o.org_id = x.org_id and o.year = $year
left join orgs p on p.org_id = o.parent_org_id and p.year = $year
order by o.sort_order nulls last, o.township, o.org_name, o.org_id, x.ord, x.due_month
