-- The years the extract holds (one row each): the years a by-year figure runs over.
-- needs: school_years
create or replace table extract_years as
    select distinct year from school_years order by year;
