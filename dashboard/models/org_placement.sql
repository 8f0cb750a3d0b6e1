-- Where each organisation is placed each year for the dimension filters: one row per org_id and
-- year, with the school it is placed at (null: unplaced) and by which step of the rule.
-- needs: orgs, school_years
--
-- DESIGN §3: at its host school; else at the first school (by 学校标识码) it covers that year;
-- else at the first school its child organisations cover that year; else where it was placed in
-- its latest earlier year; else unplaced (it then counts only where no filter applies).
-- No organisation is ever dropped from a figure.
create or replace table org_placement as
    with covered as (
        select org_id, year, min(school_id) as first_school_id
        from school_years
        where org_id is not null
        group by org_id, year
    ),
    child_covered as (
        select o.parent_org_id as org_id, o.year, min(c.first_school_id) as first_school_id
        from orgs o
        join covered c on c.org_id = o.org_id and c.year = o.year
        where o.parent_org_id is not null
        group by o.parent_org_id, o.year
    ),
    this_year as (
        select o.org_id, o.year,
               coalesce(o.host_school_id, c.first_school_id, cc.first_school_id) as school_id,
               case when o.host_school_id is not null then 'host'
                    when c.first_school_id is not null then 'covered'
                    when cc.first_school_id is not null then 'child_covered' end as placed_by
        from orgs o
        left join covered c on c.org_id = o.org_id and c.year = o.year
        left join child_covered cc on cc.org_id = o.org_id and cc.year = o.year
    )
    select org_id, year,
           coalesce(school_id, earlier_school_id) as place_school_id,
           coalesce(placed_by, if(earlier_school_id is not null, 'earlier_year', 'unplaced')) as placed_by
    from (
        select *,
               -- The place of the latest earlier year placed by one of the first three steps.
               last_value(school_id ignore nulls) over (
                   partition by org_id order by year rows between unbounded preceding and 1 preceding
               ) as earlier_school_id
        from this_year
    )
    order by year, org_id;
