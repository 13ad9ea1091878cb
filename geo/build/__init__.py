"""Building the reference data (data/communes/) from the pinned source packages."""
