"""`make bench` (= `python -m benchmarks`): the reporting engine at 1,000,000 assistances.

Builds (once; `--rebuild` to start again) a dedicated database `iom_bench` — never the
development database — then times, median of 5 warm runs, the bilan of one project over two
years and over one quarter, against a hand-written SQL floor and a naive ORM version. Then,
each in its own process and database: the bilan PDF, the spreadsheet import
(`benchmarks.import_bench`) and the sign-in with and without lockouts recorded
(`python -m benchmarks lockout`, `benchmarks.lockout_bench`).
"""
