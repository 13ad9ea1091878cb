"""Reading the files people bring: bounded, streamed, reported line by line.

- ``bounded``: the one way bytes come in (regular files only, size, gzip and
  XLSX caps, time budget) and the one error type, :class:`ImportFileError`;
- ``tables``: bytes → rows of cells with their line numbers (CSV in any French
  Excel habit, gzip, XLSX), never interpreted;
- ``headers``: what a file is and what each column means;
- ``cells``: one cell's text or date;
- ``formats``: the import formats, registered in one place (one module each);
- ``memberships``: the entry point :func:`read_memberships` (recognise, then read);
- ``member_rows``: member lists, streamed; ``members``: one member line (codes,
  name and code agreeing, suggestions, the planner's corrections);
- ``operators``: ANCT ``operators`` files and registries of this project;
- ``names``: communes by name (and whether a name is a code's commune);
- ``report``: the validation report shared by the command line and the app.
"""
