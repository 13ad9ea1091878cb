"""« Carte » page (the default): the map, its headline, side panel and tables."""

from ui.explore import page

page()
