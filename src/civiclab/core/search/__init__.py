"""Full-text search over every registered kind of object, in the database (ADR 14).

`registry` (what can be found and who may see it), `languages` (stemming), `index` (writes,
in the saving transaction), `query` (ranked hits per database vendor). Pages and the API use
the selectors built on these: `core.selectors.site_search` and the apps' own lists.
"""
