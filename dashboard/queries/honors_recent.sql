-- Schools awarded an award of a kind in the years up to the year (rules.RECENT_YEARS of them, the year included), holding it unrevoked and open as of the year, each once at the highest level awarded in that span, per level (every level listed), in scope.
-- params: kind, year, city, county, township, stage, ownership, locale, visible
-- columns: level, rank, schools
with recent as (
    select school_id, min(rank) as rank
    from honor_facts
    where kind = $kind
      and year_awarded between $year - (select value from rule_values where name = 'recent_years') + 1 and $year
      and (revoked_year is null or revoked_year > $year)
      and is_open(opened_year, closed_year, $year)
      and in_scope(county_code, township, stage, ownership, locale, $city, $county, $township, $stage, $ownership, $locale, $visible)
    group by school_id
)
select l.level, l.rank, count(r.school_id) as schools
from rule_levels l
left join recent r on r.rank = l.rank
group by l.level, l.rank
order by l.rank
