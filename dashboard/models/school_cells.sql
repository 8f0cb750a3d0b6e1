-- The by-year and by-unit figures per school and year, with the school's filter dimensions
-- (county, township, stage, ownership, locale): the school level of every comparison, summed
-- into township_cells and county_cells for the levels above.
-- needs: school_year_facts, org_facts
--
-- School measures count open schools: coverage from school_years, members (and the staff of the
-- schools reporting them) from member_flows. Organisation measures count top-level organisations
-- (parent_org_id is null) placed at the school, open or not; the unplaced organisations form one
-- row a year whose school and dimensions are all null (DESIGN §3).
create or replace table school_cells as
    with schools_part as (
        select year, school_id, county_code, township, stage, ownership, locale,
               -- DESIGN §3 schools in year y; 组织覆盖率 and 工作覆盖率 numerators.
               count(*) filter (where in_sy) as schools,
               count(*) filter (where coverage in ('单独建立', '联合建立', '挂靠建立')) as org_covered,
               count(*) filter (where coverage <> '未覆盖') as work_covered,
               count(*) filter (where coverage = '单独建立') as standalone,
               count(*) filter (where coverage = '联合建立') as joint,
               count(*) filter (where coverage = '挂靠建立') as attached,
               count(*) filter (where coverage = '党建指导员') as adviser,
               count(*) filter (where coverage = '未覆盖') as uncovered,
               -- DESIGN §3 党员数, 净增, 增长率, 新发展党员, 每百名教职工党员数.
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
        select year, place_school_id as school_id, county_code, township, stage, ownership, locale,
               -- DESIGN §3: organisation counts are of top-level organisations.
               count(*) as orgs,
               count(*) filter (where org_type = '党委') as committees,
               count(*) filter (where org_type = '党总支') as general_branches,
               count(*) filter (where org_type = '党支部') as branches,
               count(*) filter (where formation = '单独建立') as org_standalone,
               count(*) filter (where formation = '联合建立') as org_joint,
               count(*) filter (where formation = '挂靠建立') as org_attached,
               count(*) filter (where placed_by = 'unplaced') as orgs_unplaced,
               -- DESIGN §3 一肩挑比例: its denominator counts organisations hosted by a school.
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
    full join orgs_part using (year, school_id, county_code, township, stage, ownership, locale)
    order by year, county_code, township, school_id;
