-- school_cells summed over townships (township is null in every row): a fifth of the rows at
-- national size, read whenever no township is chosen or compared (macro unit_cells).
-- needs: school_cells
create or replace table county_cells as
    -- Every measure of school_cells summed, in the same order and under the same names.
    select year, county_code, null::varchar as township, stage, ownership, locale,
           sum(columns(* exclude (year, county_code, township, stage, ownership, locale)))::bigint
    from school_cells
    group by year, county_code, stage, ownership, locale
    order by year, county_code;
