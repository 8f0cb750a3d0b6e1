-- One row per organisation (child branches included), year with organisational-life data, and
-- requirement of its type (rules.REQUIREMENTS_BY_TYPE, loaded as rule_activities), with the
-- organisation's placement: which of the requirement's periods fell due and which were missed,
-- as masks of the months they end in (macros in models/_periods.sql).
-- needs: _periods, org_facts, org_activities, org_life_years, rule_activities
--
-- DESIGN §3 三会一课: a period is met when the meeting was held at least min_times in it; no row
-- for a month is no meeting. A period falls due only if the organisation existed when it began
-- (established_date on or before its first day): an organisation founded in June is held to
-- June's and the third quarter's meetings, not to the second quarter's nor to the year's. Every
-- period of the year is in the masks; the queries keep the months up to the year's as-of month.
-- The activity rows are summed once per period (not once per period and organisation), so the
-- build stays a scan of org_activities and a join at any size.
create or replace table org_life_facts as
    with held as (
        select a.org_id, a.year, a.kind, p.period, period_end(p.period, a.month) as end_month,
               sum(a.times) as times
        from org_activities a
        join (select distinct kind, period from rule_activities) p on p.kind = a.kind
        group by all
    ),
    required as (
        select o.org_id, o.year, o.org_type, o.parent_org_id,
               o.county_code, o.township, o.stage, o.ownership, o.locale,
               r.kind, r.label, r.period, r.min_times, r.ord,
               (period_ends_mask(r.period)
                & months_mask(first_held_month(o.established_date, o.year) + period_months(r.period) - 1, 12)
               )::integer as due_mask
        from org_facts o
        join org_life_years y on y.year = o.year
        join rule_activities r on r.org_type = o.org_type
    ),
    met as (
        select q.org_id, q.year, q.kind,
               coalesce(bit_or(month_bit(h.end_month)) filter (where h.times >= q.min_times), 0)::integer as met_mask
        from required q
        join held h on h.org_id = q.org_id and h.year = q.year and h.kind = q.kind and h.period = q.period
        group by q.org_id, q.year, q.kind
    )
    select q.*, (q.due_mask & ~coalesce(m.met_mask, 0))::integer as miss_mask
    from required q
    left join met m on m.org_id = q.org_id and m.year = q.year and m.kind = q.kind
    order by q.year, q.county_code, q.org_id, q.ord;
