"""`python -m bench.documents`: reading and rendering the seed document, against baselines.

In one run, on the same machine:

1. parses the seed as text, and as a .docx built from it (one paragraph per line, as Word
   saves a typed document), against python-docx's bare `Document()` load of the same file;
2. renders the approved seed's final copy as PDF (the web page's HTML, the print stylesheet,
   WeasyPrint) against WeasyPrint's render of a minimal one-paragraph HTML page, and as DOCX;
3. signs that PDF (PAdES B-B with the visible block, a PKCS#12 certificate of the tests' CA)
   against rendering it: signing's overhead on issuing the final copy.

Each timing is the median of several runs after a warm-up (fonts and Pango loaded). Prints the
times and the ratios to the baselines; exits 1 when a ratio misses its target. No database: the
programme is built in memory.
"""

import io
import logging
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime

import docx
import pypdf

from chibo_flow import create_app
from chibo_flow.demo import ORG, PARENT_ORG, SEED_FILE
from chibo_flow.documents.final_copy import render_docx, render_pdf
from chibo_flow.documents.parse import parse_docx, parse_text
from chibo_flow.documents.signing import sign_pdf
from chibo_flow.models import Org, Programme, Revision
from chibo_flow.models.programmes import State
from tests.support import config_for

RUNS = 7
# What the product may cost over the baseline doing the least of the same work.
TARGET_PARSE_DOCX = 3.0  # parse_docx / bare Document() load
TARGET_PDF = 10.0  # the final copy (4 pages, 4 font faces) / a one-paragraph page
TARGET_SIGNING = 0.30  # signing the final copy / rendering it
VERIFY_CODE = "BENCHBENCHBENCH2"
MINIMAL_HTML = "<!doctype html><html lang=vi><p>Chi bộ Trường Mầm non Tiên Cường</p></html>"


def seed_docx(text: str) -> bytes:
    """The seed as a .docx: one paragraph per line of the text."""
    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def approved_seed(text: str) -> Programme:
    """The seed as an approved programme of the demo chi bộ, in memory (never flushed)."""
    parent = Org(name=PARENT_ORG, code="ĐU", place="Tiên Cường")
    org = Org(name=ORG, code="CB", parent=parent, place="Tiên Cường", term_start=date(2022, 1, 1))
    doc = parse_text(text).to_dict()
    revision = Revision(seq=1, content=doc, created_at=datetime(2023, 1, 9, 2, 0, tzinfo=UTC))
    return Programme(
        org=org,
        state=State.APPROVED,
        doc_type=doc["doc_type"],
        title=doc["title"],
        number="01-CTr/CB",
        approved_at=datetime(2023, 1, 10, 3, 0, tzinfo=UTC),
        current_revision=revision,
    )


def median_ms(work: Callable[[], object]) -> float:
    """Median wall time of `work` over RUNS runs, after one warm-up run, in milliseconds."""
    work()
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main() -> int:
    """Run the benchmark and print the report; 1 if a target is missed."""
    from weasyprint import HTML

    # One line per font and render would drown the report (see render_pdf on HarfBuzz-subset).
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    text = SEED_FILE.read_text(encoding="utf-8")
    data = seed_docx(text)
    app = create_app(config_for({"PUBLIC_URL": "http://chibo.test", "SECRET_KEY": "bench"}))
    with app.app_context():
        programme = approved_seed(text)
        pdf = render_pdf(programme, VERIFY_CODE)
        times = {
            "parse_text": median_ms(lambda: parse_text(text)),
            "parse_docx": median_ms(lambda: parse_docx(data)),
            "bare_docx": median_ms(lambda: docx.Document(io.BytesIO(data))),
            "render_pdf": median_ms(lambda: render_pdf(programme, VERIFY_CODE)),
            "sign_pdf": median_ms(lambda: sign_pdf(pdf, ORG, app.config)),
            "minimal_pdf": median_ms(lambda: HTML(string=MINIMAL_HTML).write_pdf()),
            "render_docx": median_ms(lambda: render_docx(programme)),
        }
    parse_ratio = times["parse_docx"] / times["bare_docx"]
    pdf_ratio = times["render_pdf"] / times["minimal_pdf"]
    signing_ratio = times["sign_pdf"] / times["render_pdf"]
    pages = len(pypdf.PdfReader(io.BytesIO(pdf)).pages)

    print(f"seed: {len(text):,} characters; .docx {len(data):,} bytes; median of {RUNS} runs")
    print(f"  parse .txt                           {times['parse_text']:8.1f} ms")
    print(f"  parse .docx                          {times['parse_docx']:8.1f} ms")
    print(f"  python-docx Document() load (base)   {times['bare_docx']:8.1f} ms")
    print(_ratio_line(parse_ratio, TARGET_PARSE_DOCX))
    print(f"final copy: PDF {len(pdf):,} bytes ({pages} pages)")
    print(f"  render PDF                           {times['render_pdf']:8.1f} ms")
    print(f"  WeasyPrint minimal page (base)       {times['minimal_pdf']:8.1f} ms")
    print(_ratio_line(pdf_ratio, TARGET_PDF))
    print(f"  sign PDF (PAdES, visible block)      {times['sign_pdf']:8.1f} ms")
    print(f"  overhead    {signing_ratio:5.2f} of rendering  (target ≤ {TARGET_SIGNING})  "
          f"{'OK' if signing_ratio <= TARGET_SIGNING else 'MISSED'}")  # fmt: skip
    print(f"  render DOCX                          {times['render_docx']:8.1f} ms"
          f"  ({times['render_docx'] / times['bare_docx']:.2f} × a bare load)")  # fmt: skip
    met = (parse_ratio <= TARGET_PARSE_DOCX, pdf_ratio <= TARGET_PDF,
           signing_ratio <= TARGET_SIGNING)  # fmt: skip
    return 0 if all(met) else 1


def _ratio_line(ratio: float, target: float) -> str:
    verdict = "OK" if ratio <= target else "MISSED"
    return f"  ratio       {ratio:5.2f}  (target ≤ {target})  {verdict}"


if __name__ == "__main__":
    sys.exit(main())
