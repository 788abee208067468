"""Partner spreadsheets in and out (DESIGN.md section 4, the import contract).

- `columns`: the contract's columns and how each accepted value form is read and written;
- `reader`: CSV and XLSX files to rows of text, with clear errors for unreadable files;
- `engine`: rows to a plan (new and changed people and assistances, every bad row), validated
  by the models' own rules, then written in bulk, audited, whole or not at all;
- `services`: the import batches (who imported what, when, counts) run by the command, the
  pages, the API and the Celery task;
- `exports`: the organisation's own data in the same columns, so a file round-trips.
"""
