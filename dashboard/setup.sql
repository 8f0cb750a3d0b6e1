-- What the queries need besides the six tables: shared macros, then derived tables. db.py runs
-- this once per extract, after loading the tables: into extract.duckdb when a large extract is
-- written (extract.write_tables), else in memory when the extract is opened. Running it again
-- on an in-memory connection rebuilds the derived tables from the six; nothing else changes.
--
-- Why derived tables (docs/benchmarks.md): joining every school-year row to its school on each
-- filter change took seconds at the national size (500,000 schools × 8 years). Each derived table
-- carries its school's filter dimensions (county_code, township, stage, ownership, locale), so a
-- query filters it without a join, and is sorted by year and county so a scan skips the rest.

create or replace macro is_open(opened, closed, y) as opened <= y and (closed is null or closed > y);

-- The rows of a derived table (`facts`, by name) that belong to schools matching the dimension
-- filters and the user's visible counties. Every derived table has the five dimension columns.
-- school_cells has a twin summed over townships, county_cells, with a fifth of its rows at the
-- national size; it is read instead whenever no township is chosen (nearly always).
create or replace macro scoped_schools(facts, county, township, stage, ownership, locale, visible) as table
    select f.*
    from query_table(if(facts = 'school_cells' and township is null, 'county_cells', facts)) f
    where list_contains(visible, f.county_code)
      and (county is null or f.county_code = county)
      and (township is null or f.township = township)
      and (stage is null or f.stage = stage)
      and (ownership is null or f.ownership = ownership)
      and (locale is null or f.locale = locale);

create or replace table extract_years as
    select distinct year from school_years order by year;

-- One row per school and year in which the school is open (opened_year ≤ y, not closed by y),
-- from school_years and member_flows together (a year may have either or both): in_sy and in_mf
-- say which, and the other side's columns are null, as in a left join; with the covering
-- organisation's name, type and leadership that year. full_members is stored, not computed in
-- the queries, so a condition on it is applied while scanning (before the names are read).
create or replace table school_year_facts as
    select coalesce(sy.year, m.year) as year,
           s.county_code, s.township, s.stage, s.ownership, s.locale,
           s.school_id, s.school_name, r.county_name, r.sort_order,
           sy.school_id is not null as in_sy, m.school_id is not null as in_mf,
           sy.staff, sy.students, sy.coverage, sy.org_id,
           o.org_name as covering_org_name, o.org_type as covering_org_type, o.leadership as covering_leadership,
           m.members_start, m.admitted, m.transferred_in, m.transferred_out, m.deceased, m.other_exits,
           m.members_end, m.probationary, m.members_end - m.probationary as full_members,
           m.female, m.aged_35_or_under,
           m.applicants, m.activists, m.candidates, m.admitted_backbone
    from school_years sy
    full join member_flows m on m.school_id = sy.school_id and m.year = sy.year
    left join orgs o on o.org_id = sy.org_id and o.year = sy.year
    join schools s on s.school_id = coalesce(sy.school_id, m.school_id)
    join regions r on r.county_code = s.county_code
    where is_open(s.opened_year, s.closed_year, coalesce(sy.year, m.year))
    order by year, s.county_code, s.school_id;

-- Every organisation, placed at the school that hosts it or, without a host school (possible for
-- attached ones), at the first school it covers that year, so the filters still place it in a
-- county; with the number of schools it covers that year and the date its term ends (换届: the
-- last election plus the term). Organisations that cannot be placed at a known school are left
-- out, as every query joins them to their school.
create or replace table org_facts as
    with covered as (
        select org_id, year, min(school_id) as first_school_id, count(*) as schools_covered
        from school_years
        where org_id is not null
        group by org_id, year
    )
    select o.*,
           coalesce(o.host_school_id, c.first_school_id) as place_school_id,
           s.county_code, s.township, s.stage, s.ownership, s.locale,
           r.county_name, r.sort_order,
           h.school_name as host_school_name,
           coalesce(c.schools_covered, 0) as schools_covered,
           cast(o.last_election_date + to_years(o.term_years) as date) as due_date
    from orgs o
    left join covered c on c.org_id = o.org_id and c.year = o.year
    join schools s on s.school_id = coalesce(o.host_school_id, c.first_school_id)
    join regions r on r.county_code = s.county_code
    left join schools h on h.school_id = o.host_school_id
    order by o.year, s.county_code, o.org_id;

-- The by-year and by-county figures summed per year and group of schools alike in every filter
-- dimension: two fifths of the school-year rows at the national size, and no join left to do.
-- School columns count open schools (coverage from school_years; member figures, and the staff
-- of the schools reporting them, from member_flows); organisation columns count top-level
-- organisations placed at a school of the group, open or not, as the organisation queries do.
create or replace table school_cells as
    with schools_part as (
        select year, county_code, township, stage, ownership, locale,
               count(*) filter (where in_sy) as schools,
               count(*) filter (where coverage in ('单独建立', '联合建立', '挂靠建立')) as org_covered,
               count(*) filter (where coverage <> '未覆盖') as work_covered,
               count(*) filter (where coverage = '单独建立') as standalone,
               count(*) filter (where coverage = '联合建立') as joint,
               count(*) filter (where coverage = '挂靠建立') as attached,
               count(*) filter (where coverage = '党建指导员') as adviser,
               count(*) filter (where coverage = '未覆盖') as uncovered,
               count(*) filter (where in_mf) as reporting,
               sum(members_start)::bigint as members_start,
               sum(members_end)::bigint as members_end,
               sum(members_end - members_start)::bigint as net_growth,
               sum(admitted)::bigint as admitted,
               sum(transferred_in)::bigint as transferred_in,
               sum(transferred_out)::bigint as transferred_out,
               sum(deceased)::bigint as deceased,
               sum(other_exits)::bigint as other_exits,
               sum(deceased + other_exits)::bigint as exits,
               sum(probationary)::bigint as probationary,
               sum(female)::bigint as female,
               sum(aged_35_or_under)::bigint as aged_35_or_under,
               sum(applicants)::bigint as applicants,
               sum(activists)::bigint as activists,
               sum(candidates)::bigint as candidates,
               sum(admitted_backbone)::bigint as admitted_backbone,
               cast(sum(staff) filter (where in_mf) as bigint) as reporting_staff
        from school_year_facts
        group by all
    ),
    orgs_part as (
        select year, county_code, township, stage, ownership, locale,
               count(*) as orgs,
               count(*) filter (where org_type = '党委') as committees,
               count(*) filter (where org_type = '党总支') as general_branches,
               count(*) filter (where org_type = '党支部') as branches,
               count(*) filter (where formation = '单独建立') as org_standalone,
               count(*) filter (where formation = '联合建立') as org_joint,
               count(*) filter (where formation = '挂靠建立') as org_attached,
               count(*) filter (where host_school_id is not null) as hosted,
               count(*) filter (where host_school_id is not null and leadership = '一肩挑') as combined,
               count(*) filter (where host_school_id is not null and leadership = '分设') as separate,
               count(*) filter (where host_school_id is not null and leadership = '书记空缺') as vacant,
               count(*) filter (where host_school_id is not null and ownership = '公办') as hosted_public,
               count(*) filter (where host_school_id is not null and ownership = '民办') as hosted_private,
               count(star_rating) as rated,
               count(*) filter (where star_rating = 5) as five_star,
               sum(full_members + probationary_members)::bigint as org_members
        from org_facts
        where parent_org_id is null
        group by all
    )
    select *
    from schools_part
    full join orgs_part using (year, county_code, township, stage, ownership, locale)
    order by year, county_code;

-- school_cells summed over townships (see scoped_schools); township is null in every row.
create or replace table county_cells as
    -- Every measure of school_cells summed, in the same order and under the same names.
    select year, county_code, null::varchar as township, stage, ownership, locale,
           sum(columns(* exclude (year, county_code, township, stage, ownership, locale)))::bigint
    from school_cells
    group by year, county_code, stage, ownership, locale
    order by year, county_code;

-- School awards (党建示范校, 一校一品 …) with the school's dimensions and years open; rank orders
-- the levels, highest first.
create or replace table honor_facts as
    select h.honor_id, h.kind, h.level,
           case h.level when '国家级' then 1 when '省级' then 2 when '市级' then 3 else 4 end as rank,
           h.year_awarded, h.revoked_year, h.school_id, s.opened_year, s.closed_year,
           s.county_code, s.township, s.stage, s.ownership, s.locale
    from honors h
    join schools s on s.school_id = h.school_id
    join regions r on r.county_code = s.county_code
    order by h.kind, s.county_code;

-- For each year of the extract, the schools holding an unrevoked school award of a kind while
-- open that year: at their highest level (rank), and whether one was awarded that year.
create or replace table school_honor_years as
    select y.year, h.kind, h.school_id, h.county_code, h.township, h.stage, h.ownership, h.locale,
           min(h.rank) as rank,
           bool_or(h.year_awarded = y.year) as new_this_year
    from extract_years y
    join honor_facts h
      on h.year_awarded <= y.year and (h.revoked_year is null or h.revoked_year > y.year)
     and is_open(h.opened_year, h.closed_year, y.year)
    group by y.year, h.kind, h.school_id, h.county_code, h.township, h.stage, h.ownership, h.locale
    order by y.year, h.kind, h.county_code;

-- Organisation awards (最强党支部, 先进基层党组织 …), placed as their organisation is in the year awarded.
create or replace table org_honor_facts as
    select h.honor_id, h.year_awarded as year, h.kind, h.level,
           o.county_code, o.township, o.stage, o.ownership, o.locale
    from honors h
    join org_facts o on o.org_id = h.org_id and o.year = h.year_awarded
    where h.org_id is not null
    order by year, o.county_code;
