-- Schools holding an unrevoked award of a kind (党建示范校 or 一校一品) as of each year, and schools awarded it that year, per level (each school once, at its highest level; every year × level listed), in scope.
-- params: kind, city, county, township, stage, ownership, locale, visible
-- columns: year, level, rank, schools, new_schools
with held as (
    select year, rank, new_rank
    from school_honor_years
    where kind = $kind and in_scope(county_code, township, stage, ownership, locale, $city, $county, $township, $stage, $ownership, $locale, $visible)
)
select y.year, l.level, l.rank,
       count(*) filter (where h.rank = l.rank) as schools,
       count(*) filter (where h.new_rank = l.rank) as new_schools
from extract_years y
cross join rule_levels l
left join held h on h.year = y.year
group by y.year, l.level, l.rank
order by y.year, l.rank
