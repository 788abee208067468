"""Partner spreadsheets in and out (DESIGN.md section 4, the import contract).

An import, from the bottom up:

- `columns`: the contract's columns and how each accepted value form is read and written;
- `limits`: what a file may be (size, inflated size, rows, cells, shared strings), measured
  before anything of it is parsed; `csvfile` and `reader`: CSV and XLSX files to rows of
  text within those limits, with clear errors for unreadable files;
- `report` and `plan`: what an import tells its user (errors by row and column, counts), and
  what it will write once every row is good;
- `values`: each row's cells to values (readers, cities, project codes, a person's columns
  gathered across rows);
- `checks`: every row checked by the models' own rules and the rules layer the services call
  (assistance.rules), then matched to what is recorded: new, changed or unchanged;
- `engine`: `run_import`, the steps above under a per-organisation lock, then the writes:
  bulk updates and COPY inserts, audited, whole or not at all.

Around it: `services`, the import batches (who imported what, when, counts) run by the
command, the pages, the API and the Celery task; `exports`, the organisation's own data in the
same columns, so a file round-trips.
"""
