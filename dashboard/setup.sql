-- Macros every query shares, created once per connection after the table views.
-- scoped_schools: the schools matching the dimension filters and the user's visible counties,
-- with their county's name and order; a query adds the "open in year y" test itself
-- (is_open), because trend queries apply it per year.
create or replace macro is_open(opened, closed, y) as opened <= y and (closed is null or closed > y);

create or replace macro scoped_schools(county, township, stage, ownership, locale, visible) as table
    select s.*, r.county_name, r.sort_order
    from schools s
    join regions r using (county_code)
    where list_contains(visible, s.county_code)
      and (county is null or s.county_code = county)
      and (township is null or s.township = township)
      and (stage is null or s.stage = stage)
      and (ownership is null or s.ownership = ownership)
      and (locale is null or s.locale = locale);

-- An organisation belongs to the school that hosts it; an organisation without a host school
-- (possible for attached ones) belongs to the first school it covers that year, so the filters
-- still place it in a county.
create or replace view orgs_placed as
    select o.*,
           coalesce(o.host_school_id,
                    (select min(sy.school_id) from school_years sy
                     where sy.org_id = o.org_id and sy.year = o.year)) as place_school_id
    from orgs o;
