"""Readers of the files people bring: raw tables first, meaning second.

``tables`` turns bytes (CSV in any French Excel habit, gzip, XLSX) into rows
of cells with their line numbers; ``geo.memberships`` decides what the
columns mean and where each row lands.
"""
