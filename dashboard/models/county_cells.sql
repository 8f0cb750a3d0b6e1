-- township_cells summed over townships (township is null in every row): a fifth of the school-year
-- rows at national size, read whenever no township is chosen or compared (macro unit_cells).
-- needs: township_cells
create or replace table county_cells as
    -- Every measure of township_cells summed, in the same order and under the same names.
    select year, null::varchar as school_id, county_code, null::varchar as township, stage, ownership, locale,
           sum(columns(* exclude (year, school_id, county_code, township, stage, ownership, locale)))::bigint
    from township_cells
    group by year, county_code, stage, ownership, locale
    order by year, county_code;
