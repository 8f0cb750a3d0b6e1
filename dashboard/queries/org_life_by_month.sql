-- For each month of the year up to its as-of month, the organisations (child branches included) in scope with a requirement falling due that month (the month's meetings; at a quarter's end the quarter's, in December the year's) and those meeting all of them.
-- params: year, city, county, township, stage, ownership, locale, visible
-- columns: month, required, met
with months as (
    select unnest(range(1, as_of_month + 1)) as month
    from org_life_years
    where year = $year
),
o as (
    select due_mask, miss_mask
    from org_life_orgs
    where year = $year and in_scope(county_code, township, stage, ownership, locale, $city, $county, $township, $stage, $ownership, $locale, $visible)
)
select m.month,
       count(*) filter (where o.due_mask & month_bit(m.month) <> 0) as required,
       count(*) filter (where o.due_mask & month_bit(m.month) <> 0 and o.miss_mask & month_bit(m.month) = 0) as met
from months m
left join o on true
group by m.month
order by m.month
