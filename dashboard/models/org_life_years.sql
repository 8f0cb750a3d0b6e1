-- The years organisational-life data (org_activities) was supplied for, and the month each runs
-- to: the as-of month of every 三会一课 figure of that year, and the month masks of the periods
-- the figures are for (the current quarter and the year to date up to that month; the whole year
-- only once it runs to December, else 0).
-- needs: _periods, org_activities, extract_years
--
-- A year before the extract's latest is complete: its as-of month is 12 (its current quarter the
-- fourth). The extract's latest year runs to the latest month with any row of activity data
-- anywhere in the extract (a row with 0 times is data too), so a county that has not yet reported
-- that month is behind rather than up to date. A year without any row is not in this table: its
-- organisational life was not supplied, and the pages say so instead of showing zeros.
create or replace table org_life_years as
    select year, latest_month, as_of_month,
           months_mask(quarter_start(as_of_month), as_of_month) as quarter_mask,
           months_mask(1, as_of_month) as ytd_mask,
           if(as_of_month = 12, months_mask(1, 12), 0) as year_mask
    from (
        select year, max(month) as latest_month,
               if(year < (select max(year) from extract_years), 12, max(month)) as as_of_month
        from org_activities
        group by year
    )
    order by year;
