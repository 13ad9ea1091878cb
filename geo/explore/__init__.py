"""What a screen of the map shows: views and their drill-down, side-panel facts, URL contract, search, slides."""
