-- The years the extract holds, newest first (filter options).
-- params: none
-- columns: year
select year from extract_years order by year desc
