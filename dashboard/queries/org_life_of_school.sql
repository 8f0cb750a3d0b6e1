-- One school's organisation in the year (the one covering it, and that organisation's branches hosted by the school): for each requirement of its type and each month, the times held and whether the requirement's period ending that month fell due and was missed (up to the year's as-of month), if the user may see the school's county.
-- params: school_id, year, visible
-- columns: org_id, org_name, org_type, as_of_month, kind, label, period, min_times, month, times, due, missed
with y as (
    select as_of_month from org_life_years where year = $year
),
these as (
    select o.org_id, o.org_name, o.org_type, o.org_id = sy.org_id as covering
    from school_years sy
    join schools s on s.school_id = sy.school_id
    join orgs o on o.year = sy.year
               and (o.org_id = sy.org_id or (o.parent_org_id = sy.org_id and o.host_school_id = sy.school_id))
    where sy.school_id = $school_id and sy.year = $year
      and ($visible is null or list_contains($visible, s.county_code))
),
held as (
    select org_id, kind, month, sum(times)::bigint as times
    from org_activities
    where year = $year and org_id in (select org_id from these)
    group by all
)
select t.org_id, t.org_name, t.org_type, y.as_of_month, f.kind, f.label, f.period, f.min_times, m.month,
       coalesce(h.times, 0) as times,
       m.month <= y.as_of_month and f.due_mask & month_bit(m.month) <> 0 as due,
       m.month <= y.as_of_month and f.miss_mask & month_bit(m.month) <> 0 as missed
from these t
cross join y
join org_life_facts f on f.org_id = t.org_id and f.year = $year
cross join range(1, 13) m(month)
left join held h on h.org_id = t.org_id and h.kind = f.kind and h.month = m.month
order by t.covering desc, t.org_id, f.ord, m.month
