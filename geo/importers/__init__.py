"""Reading the files people bring: bounded, streamed, reported line by line.

- ``bounded``: the one way bytes come in (regular files only, size, gzip and
  XLSX caps, time budget) and the one error type, :class:`ImportFileError`;
- ``tables``: bytes → rows of cells with their line numbers (CSV in any French
  Excel habit, gzip, XLSX), never interpreted;
- ``headers``: what a file is and what each column means;
- ``cells``: one cell's text or date;
- ``memberships``: member lists (and the entry point :func:`read_memberships`);
- ``operators``: ANCT ``operators`` files and registries of this project;
- ``names``: a commune from its name and department;
- ``report``: the validation report shared by the command line and the app.
"""
