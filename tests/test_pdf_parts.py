"""A report printed in two halves at once reads exactly as the same report printed whole."""

import io
import logging
import os
import re
import subprocess

import pytest
from pypdf import PdfReader

from reports import pdf, pdf_parts
from reports.pdf_parts import PART_BREAK, PartFailed, html_halves, html_to_pdf_in_halves

BREAK = f"{PART_BREAK}\n"


def report_like(sections=(3, 9, 4, 7), lang="en"):
    """A report-shaped document: cover, then sections of `n` paragraphs, each after a part break."""
    body = ['<section class="cover"><h1>Acme &amp; Co.</h1><p>cover</p></section>']
    for number, paragraphs in enumerate(sections, start=1):
        text = "".join(
            f"<p>Section {number} paragraph {p}. " + "Words to fill the line. " * 30 + "</p>" for p in range(paragraphs)
        )
        body.append(f'{BREAK}<section class="recommendations"><h2>Section {number}</h2>{text}</section>')
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>T</title>'
        '<link rel="stylesheet" href="/static/css/report.css"></head>'
        f'<body class="report report-pdf lang-{lang}" data-organisation="Acme &amp; Co.">{"".join(body)}</body></html>'
    )


def pages_text(document, tmp_path, name):
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(document)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1]


def outline(document):
    reader = PdfReader(io.BytesIO(document))

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                yield from walk(item, depth + 1)
            else:
                yield depth, item.title, reader.get_destination_page_number(item)

    return list(walk(reader.outline, 0))


def test_no_break_mark_means_no_halves():
    assert html_halves("<html><body><p>one piece</p></body></html>") is None


def test_cut_at_the_mark_nearest_the_middle_of_the_text_and_the_second_half_is_a_whole_document():
    html = report_like(sections=(2, 2, 2, 2))
    first, second = html_halves(html)
    assert "Section 2" in first and "Section 3" not in first
    assert second.startswith(html[: html.index("<body")])  # the same head: stylesheet, title, language
    assert '<body class="report report-pdf lang-en" data-organisation="Acme &amp; Co.">' in second
    assert second.index("<h2>Section 3</h2>") > 0 and "Section 2" not in second


def test_chart_markup_does_not_count_as_text():
    svg = "<svg>" + "<path d='M0 0'/>" * 5000 + "</svg>"
    html = report_like(sections=(4, 4)).replace("<p>cover</p>", f"<p>cover</p>{svg}")
    first, _second = html_halves(html)
    assert "Section 1" in first and "Section 2" not in first  # not cut before section 1 for the chart's bulk


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_halves_read_exactly_as_the_whole(tmp_path, lang):
    html = report_like(lang=lang)
    whole = pdf.html_to_pdf_whole(html)
    halves = html_to_pdf_in_halves(html, render=pdf.html_to_pdf_whole)
    assert halves is not None
    whole_pages, half_pages = pages_text(whole, tmp_path, "whole"), pages_text(halves, tmp_path, "halves")
    assert len(whole_pages) >= 6
    assert half_pages == whole_pages  # page numbers "n / total", headers, text, page by page
    total = len(whole_pages)
    for number, page in enumerate(half_pages, start=1):
        assert re.search(rf"\b{number} ?/ ?{total}\b", page)
        if number > 1:  # the cover has no header; every other page names the organisation
            assert page.lstrip().startswith("Acme & Co.")
    assert outline(halves) == outline(whole)
    reader = PdfReader(io.BytesIO(halves))
    assert reader.trailer["/Root"]["/Lang"] == lang
    assert reader.metadata.title == "T"


def test_the_report_is_printed_in_halves_by_default(monkeypatch):
    calls = []
    real = pdf_parts.html_to_pdf_in_halves
    monkeypatch.setattr(
        pdf_parts, "html_to_pdf_in_halves", lambda html, render: calls.append(html) or real(html, render=render)
    )
    document = pdf.html_to_pdf(report_like())
    assert calls and document.startswith(b"%PDF")


def test_a_failing_second_half_is_reported_and_the_report_printed_whole(monkeypatch, caplog, tmp_path):
    parent = os.getpid()
    real = pdf.html_to_pdf_whole

    def fails_in_the_child(html, **kwargs):
        if os.getpid() != parent:
            raise MemoryError("the child ran out")
        return real(html, **kwargs)

    html = report_like()
    with pytest.raises(PartFailed, match="MemoryError"):
        html_to_pdf_in_halves(html, render=fails_in_the_child)

    monkeypatch.setattr(pdf, "html_to_pdf_whole", fails_in_the_child)
    with caplog.at_level(logging.WARNING, logger="reports.pdf"):
        document = pdf.html_to_pdf(html)
    assert "printed whole" in caplog.text
    assert pages_text(document, tmp_path, "fallback") == pages_text(real(html), tmp_path, "whole")


def test_a_failing_first_half_raises_and_leaves_no_child_waiting():
    def fails_in_the_parent(html, **kwargs):
        raise ValueError("bad markup")

    with pytest.raises(ValueError, match="bad markup"):
        html_to_pdf_in_halves(report_like(), render=fails_in_the_parent)
    import multiprocessing

    assert multiprocessing.active_children() == []


def test_one_process_setting_prints_whole(monkeypatch):
    monkeypatch.setattr(pdf_parts, "PDF_PROCESSES", 1)
    assert html_to_pdf_in_halves(report_like(), render=pdf.html_to_pdf_whole) is None


def test_two_reports_printed_at_once_by_two_threads_keep_their_own_page_numbers(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    short, long = report_like(sections=(2, 3)), report_like(sections=(6, 9, 8, 7))
    with ThreadPoolExecutor(2) as pool:
        printed = list(
            pool.map(lambda html: html_to_pdf_in_halves(html, render=pdf.html_to_pdf_whole), [long, short, long])
        )
    for html, document, name in zip([long, short, long], printed, "abc", strict=True):
        assert pages_text(document, tmp_path, name) == pages_text(
            pdf.html_to_pdf_whole(html), tmp_path, f"{name}-whole"
        )


def test_the_pinned_weasyprint_has_the_layout_hooks_and_without_them_reports_print_whole(monkeypatch):
    assert pdf_parts.HOOKED  # the lock's WeasyPrint: halves are in use
    monkeypatch.setattr(pdf_parts, "HOOKED", False)
    assert html_to_pdf_in_halves(report_like(), render=pdf.html_to_pdf_whole) is None


@pytest.fixture
def fresh_printer():
    pdf_parts.printer_close()
    yield
    pdf_parts.printer_close()


def kept_child():
    printer = pdf_parts._printer
    return printer.process.pid if printer is not None and printer.process.is_alive() else None


def test_the_child_is_kept_and_prints_the_next_report_with_its_own_page_numbers(tmp_path, fresh_printer):
    short, long = report_like(sections=(2, 3)), report_like(sections=(6, 9, 8, 7))
    first = html_to_pdf_in_halves(long, render=pdf.html_to_pdf_whole)
    child = kept_child()
    assert child is not None
    second = html_to_pdf_in_halves(short, render=pdf.html_to_pdf_whole)
    assert kept_child() == child and pdf_parts._printer.jobs == 2
    for html, document, name in ((long, first, "long"), (short, second, "short")):
        assert pages_text(document, tmp_path, name) == pages_text(pdf.html_to_pdf_whole(html), tmp_path, f"{name}-1")


def test_a_kept_child_that_died_is_replaced_before_the_next_report(tmp_path, fresh_printer):
    html = report_like()
    html_to_pdf_in_halves(html, render=pdf.html_to_pdf_whole)
    dead = pdf_parts._printer.process
    dead.kill()
    dead.join()
    document = html_to_pdf_in_halves(html, render=pdf.html_to_pdf_whole)
    assert kept_child() not in (None, dead.pid)
    assert pages_text(document, tmp_path, "after") == pages_text(pdf.html_to_pdf_whole(html), tmp_path, "whole")


def test_a_failed_report_ends_the_kept_child_and_the_next_report_gets_a_new_one(fresh_printer):
    parent = os.getpid()

    def fails_in_the_child(html, **kwargs):
        if os.getpid() != parent:
            raise MemoryError("the child ran out")
        return pdf.html_to_pdf_whole(html, **kwargs)

    with pytest.raises(PartFailed):
        html_to_pdf_in_halves(report_like(), render=fails_in_the_child)
    assert pdf_parts._printer is None
    assert html_to_pdf_in_halves(report_like(), render=pdf.html_to_pdf_whole).startswith(b"%PDF")
    assert kept_child() is not None


def test_the_kept_child_is_replaced_after_max_jobs(monkeypatch, fresh_printer):
    monkeypatch.setattr(pdf_parts, "MAX_JOBS", 2)
    html = report_like(sections=(2, 2))
    html_to_pdf_in_halves(html, render=pdf.html_to_pdf_whole)
    child = pdf_parts._printer.process
    html_to_pdf_in_halves(html, render=pdf.html_to_pdf_whole)
    assert pdf_parts._printer is None and child.exitcode == 0  # told to stop, not killed
    html_to_pdf_in_halves(html, render=pdf.html_to_pdf_whole)
    assert kept_child() not in (None, child.pid)


def test_a_process_forked_later_neither_uses_the_kept_child_nor_keeps_it_alive(tmp_path, fresh_printer):
    import multiprocessing

    html = report_like(sections=(2, 3))
    html_to_pdf_in_halves(html, render=pdf.html_to_pdf_whole)
    ours = pdf_parts._printer.process

    def in_the_fork(out):
        document = html_to_pdf_in_halves(html, render=pdf.html_to_pdf_whole)  # a printer of its own
        theirs = pdf_parts._printer.process.pid
        pdf_parts.printer_close()
        out.put((document, theirs))

    fork = multiprocessing.get_context("fork")
    queue = fork.Queue()
    worker = fork.Process(target=in_the_fork, args=(queue,))
    worker.start()
    document, theirs = queue.get(timeout=60)
    worker.join()
    assert theirs != ours.pid
    assert pages_text(document, tmp_path, "fork") == pages_text(pdf.html_to_pdf_whole(html), tmp_path, "whole")

    sleeper = fork.Process(target=__import__("time").sleep, args=(5,))  # holds whatever it inherited
    sleeper.start()
    try:
        pdf_parts.printer_close()
        assert ours.exitcode == 0  # heard our end close although the sleeper lives: not killed
    finally:
        sleeper.kill()
        sleeper.join()


def test_a_kept_child_that_dies_unseen_fails_the_half_so_the_report_is_printed_whole(monkeypatch, fresh_printer):
    html = report_like(sections=(2, 2))
    html_to_pdf_in_halves(html, render=pdf.html_to_pdf_whole)
    printer = pdf_parts._printer
    printer.process.kill()
    printer.process.join()
    monkeypatch.setattr(pdf_parts._Printer, "usable", lambda self, render: True)  # died after the look
    with pytest.raises(PartFailed, match=r"gone|ended"):
        html_to_pdf_in_halves(html, render=pdf.html_to_pdf_whole)
    assert pdf_parts._printer is None


def test_a_process_forked_while_another_thread_held_the_printer_lock_can_still_print(fresh_printer):
    import multiprocessing

    def in_the_fork(out):
        out.put(html_to_pdf_in_halves(report_like(sections=(2, 2)), render=pdf.html_to_pdf_whole)[:4])
        pdf_parts.printer_close()

    fork = multiprocessing.get_context("fork")
    queue = fork.Queue()
    with pdf_parts._printer_lock:  # as if a thread were starting its printer at the fork
        worker = fork.Process(target=in_the_fork, args=(queue,))
        worker.start()
    assert queue.get(timeout=60) == b"%PDF"
    worker.join()


def test_the_kept_child_ignores_what_its_parent_ignores_and_ends_on_what_would_end_it(fresh_printer):
    import signal

    def signalled(number):
        html_to_pdf_in_halves(report_like(sections=(2, 2)), render=pdf.html_to_pdf_whole)
        process = pdf_parts._printer.process
        os.kill(process.pid, number)
        return process

    for number in (signal.SIGINT, signal.SIGTERM):  # Ctrl-C, a worker's stop: ended by the signal itself
        process = signalled(number)
        process.join(timeout=10)
        assert process.exitcode == -number
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)  # a server started in the background
    try:
        process = signalled(signal.SIGINT)
        process.join(timeout=0.5)
        assert process.is_alive()
    finally:
        signal.signal(signal.SIGINT, previous)
