"""The bilan PDF at 1,000,000 assistances (issue 6): the two-year bilan of BENCH-1, from
figures to PDF bytes, in a fresh process, against ≤ 5 s and ≤ 500 MB peak memory.

`python -m benchmarks.pdf_bench` runs it alone (the data must exist: `make bench` builds
it); `python -m benchmarks` calls `report()` at the end. The measured work is what the Celery
task does: compute the figures (engine + small-cell protection), freeze the context, build
the document, render the PDF. The process is fresh so the first render pays WeasyPrint's
font loading, as a worker's first bilan does; peak memory is the process's maximum RSS.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import time

TARGET_SECONDS = 5.0
TARGET_MB = 500


def _measure(runs: int) -> dict:
    from django.utils import timezone

    from benchmarks import data
    from bilans.document import build_document, figures_checksum
    from bilans.pdf import render_document
    from bilans.rendering import document_context, freeze_figures
    from partners.models import Project
    from reporting.periods import Period

    project = Project.objects.get(code="BENCH-1")
    period = Period(data.START, data.END)

    def bilan_pdf():
        started = time.perf_counter()
        figures = freeze_figures(project, period)
        computed = time.perf_counter()
        doc = build_document(
            figures=figures,
            context=document_context(project, organisation=None, language="fr"),
            language="fr",
            version=1,
            checksum=figures_checksum(figures),
            generated_at=timezone.now(),
        )
        laid_out = render_document(doc)
        pdf = laid_out.write_pdf()
        done = time.perf_counter()
        return pdf, len(laid_out.pages), done - started, computed - started

    runs_ = [bilan_pdf() for _ in range(runs)]
    pdf, pages = runs_[0][0], runs_[0][1]
    warm = runs_[1:] or runs_
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "cold": runs_[0][2],
        "cold_figures": runs_[0][3],
        "warm": statistics.median(r[2] for r in warm),
        "warm_figures": statistics.median(r[3] for r in warm),
        "pages": pages,
        "bytes": len(pdf),
        "peak_mb": peak_mb,
    }


def report(runs: int = 3) -> bool:
    """Run the measure in a fresh process and print the figures; True when on target."""
    result = subprocess.run(  # noqa: S603 - our own module, fixed arguments
        [sys.executable, "-m", "benchmarks.pdf_bench", "--child", str(runs)],
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        print(result.stdout + result.stderr)
        return False
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    ok = figures["cold"] <= TARGET_SECONDS and figures["peak_mb"] <= TARGET_MB
    print("\nbilan PDF, two years of BENCH-1 (figures → PDF, fresh process)")
    print(f"  pages                {figures['pages']:8d}   ({figures['bytes'] / 1024:.0f} KiB)")
    print(
        f"  first bilan (cold)   {figures['cold']:8.3f} s   (figures {figures['cold_figures']:.3f}"
        f" s, document and PDF {figures['cold'] - figures['cold_figures']:.3f} s)"
    )
    print(
        f"  next bilans (warm)   {figures['warm']:8.3f} s   (figures {figures['warm_figures']:.3f}"
        f" s, document and PDF {figures['warm'] - figures['warm_figures']:.3f} s;"
        f" median of {max(runs - 1, 1)})"
    )
    print(f"  peak memory (RSS)    {figures['peak_mb']:8.0f} MB")
    print(
        f"targets: ≤ {TARGET_SECONDS:.0f} s and ≤ {TARGET_MB} MB for the PDF:",
        "met" if ok else "MISSED",
    )
    return ok


def main(argv: list[str]) -> int:
    if argv[:1] == ["--child"]:
        import django

        django.setup()
        print(json.dumps(_measure(int(argv[1]) if len(argv) > 1 else 3)))
        return 0
    from benchmarks.__main__ import bench_url

    url = bench_url()
    if not os.path.basename(url).startswith("iom_bench"):
        sys.exit("The benchmark database name must start with iom_bench.")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iom_cases.settings_test")
    os.environ.setdefault("DEBUG", "0")
    import django

    django.setup()
    from benchmarks import data

    data.ensure_data()
    return 0 if report() else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
