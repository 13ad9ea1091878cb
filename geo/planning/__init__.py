"""What a planner does with the data: what-if scenarios, opportunities, coverage over time, registry edits."""
