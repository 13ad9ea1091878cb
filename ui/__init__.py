"""The Streamlit interface: pages and their parts (layout, widgets, caching, URL state).

Nothing here computes a figure: every number and fact comes from ``geo``. Modules:
``resources`` (cached data), ``history`` (URL ⇄ view, Back/Forward), ``controls``
(sidebar options), ``explore`` (the map page), ``tables``, ``markdown``, ``data`` (the
saved version in use and the what-if), ``access`` (sign-in), ``menu``, ``summary``
(before/after figures); ``pages/`` holds the page scripts that ``app.py`` registers.
"""
