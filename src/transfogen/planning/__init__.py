"""From a profile to a plan: the profile, the French calendar, the rules and the planner. No I/O but reading the bundled data."""
