-- Macros for the organisational-life periods (no tables): months as bits of an integer mask.
-- needs: none
--
-- A requirement's period (a month, a quarter or the year) falls due in the month it ends; an
-- organisation's requirements are kept as masks of those months (bit m − 1 for month m), so a
-- span of months (the current quarter, the year to date) is one AND away (models/org_life_facts.sql).

create or replace macro month_bit(m) as (1 << (m - 1))::integer;

-- Months a..b (none when b < a).
create or replace macro months_mask(a, b) as if(b < a, 0, (1 << b) - (1 << (a - 1)))::integer;

-- The first month of the quarter holding month m.
create or replace macro quarter_start(m) as 3 * ((m - 1) // 3) + 1;

-- The first month of a period of the given kind that ends in month m.
create or replace macro period_start(period, m) as
    case period when 'month' then m when 'quarter' then m - 2 else 1 end;

-- How many months a period of the given kind lasts, and the month the one holding month m ends.
create or replace macro period_months(period) as case period when 'month' then 1 when 'quarter' then 3 else 12 end;
create or replace macro period_end(period, m) as
    case period when 'month' then m when 'quarter' then 3 * ((m + 2) // 3) else 12 end;

-- The months in which the periods of the given kind end: every month, March/June/September/
-- December, or December.
create or replace macro period_ends_mask(period) as
    case period when 'month' then months_mask(1, 12)
                when 'quarter' then month_bit(3) | month_bit(6) | month_bit(9) | month_bit(12)
                else month_bit(12) end;

-- The first month of year y whose periods an organisation established on date d is held to: a
-- period counts only if the organisation existed on its first day (13: none that year).
create or replace macro first_held_month(d, y) as
    case when year(d) < y then 1 when year(d) > y then 13
         else month(d) + if(day(d) > 1, 1, 0) end;
