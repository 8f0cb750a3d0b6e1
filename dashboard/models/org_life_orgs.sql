-- One row per organisation (child branches included) and year with organisational-life data:
-- the months in which any of its requirements fell due and in which any was missed (the OR of
-- org_life_facts' masks), whether it reported anything that year, and its placement.
-- needs: org_life_facts, org_facts, org_activities
--
-- An organisation meets every requirement of a span of months when no missed bit lies in it,
-- and is required in the span when a due bit does (DESIGN §3 完成率).
create or replace table org_life_orgs as
    with reported as (
        select distinct org_id, year from org_activities
    ),
    masks as (
        select org_id, year, bit_or(due_mask)::integer as due_mask, bit_or(miss_mask)::integer as miss_mask
        from org_life_facts
        group by org_id, year
    )
    select o.org_id, o.year, o.org_name, o.org_type, o.parent_org_id,
           o.county_code, o.township, o.stage, o.ownership, o.locale, o.county_name, o.sort_order,
           o.host_school_id, o.host_school_name, o.place_school_id,
           m.due_mask, m.miss_mask, r.org_id is not null as reported
    from masks m
    join org_facts o on o.org_id = m.org_id and o.year = m.year
    left join reported r on r.org_id = m.org_id and r.year = m.year
    order by o.year, o.county_code, o.org_id;
