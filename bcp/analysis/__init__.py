"""Analysis of a validated plan: the dependency graph and the site-loss simulation (spec §4)."""
