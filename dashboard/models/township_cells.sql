-- school_cells summed over the schools of each group alike in every filter dimension (school_id is
-- null in every row): two fifths of the school-year rows at national size, read when a township is
-- chosen or townships are compared (macro unit_cells).
-- needs: school_cells
create or replace table township_cells as
    -- Every measure of school_cells summed, in the same order and under the same names.
    select year, null::varchar as school_id, county_code, township, stage, ownership, locale,
           sum(columns(* exclude (year, school_id, county_code, township, stage, ownership, locale)))::bigint
    from school_cells
    group by year, county_code, township, stage, ownership, locale
    order by year, county_code, township;
