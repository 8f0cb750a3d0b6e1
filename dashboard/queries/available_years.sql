-- The years the extract holds, newest first (filter options).
-- params: none
select distinct year from school_years order by year desc
