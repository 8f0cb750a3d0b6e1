-- Every organisation each year (top-level and child), with the dimensions of the school it is
-- placed at (all null when unplaced), its host school's name, how many schools it covers and the
-- date its term ends.
-- needs: orgs, org_placement, school_years, schools, regions
--
-- DESIGN §3 "换届": due date = last_election_date + term_years. Left joins throughout: an
-- organisation is never dropped, whatever is missing.
create or replace table org_facts as
    with covered as (
        select org_id, year, count(*) as schools_covered
        from school_years
        where org_id is not null
        group by org_id, year
    )
    select o.*,
           p.place_school_id, p.placed_by,
           s.county_code, s.township, s.stage, s.ownership, s.locale,
           r.county_name, r.sort_order,
           h.school_name as host_school_name,
           coalesce(c.schools_covered, 0) as schools_covered,
           cast(o.last_election_date + to_years(o.term_years) as date) as due_date
    from orgs o
    join org_placement p on p.org_id = o.org_id and p.year = o.year
    left join covered c on c.org_id = o.org_id and c.year = o.year
    left join schools s on s.school_id = p.place_school_id
    left join regions r on r.county_code = s.county_code
    left join schools h on h.school_id = o.host_school_id
    order by o.year, s.county_code, o.org_id;
