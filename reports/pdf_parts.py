"""One report printed by two processes at once, with the page numbers of a single print.

WeasyPrint holds one core per document, and a cold organisation report is most of a second and
a half of it. The report's HTML marks the places where it starts a new page anyway (PART_BREAK
before a section with `break-before: page`); cut there, each half lays out exactly as it would
inside the whole. This process prints the first half and a forked child the second; the child
is kept for the process's next reports (`_Printer`).

Only the page numbers depend on the other half: "7 / 20" needs the first half's length and the
total. Both halves lay out, tell each other their page counts through a pipe, and only then build
their margin boxes, with the page counter shifted and the total set (`_PageNumbers`, hooked into
WeasyPrint's layout below). The running headers need nothing: each half opens with its section's
heading and the body carries the organisation's name (report.css). The halves are joined with
pypdf, outline included.

Anything unexpected (no marker, a child that fails or goes quiet) falls back to one print in this
process: slower, never different. Forking is safest from a single-threaded process (gunicorn's
sync workers, the task workers); in a threaded server a child forked while another thread held
a library lock could hang, and would be given up after WAIT_SECONDS.
"""

import contextlib
import gc
import io
import logging
import multiprocessing
import os
import re
import threading

import weasyprint
import weasyprint.layout as weasy_layout
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, TextStringObject

logger = logging.getLogger(__name__)

PART_BREAK = "<!-- pdf:part -->"
# Printing processes for one report (this one and a forked child); 1 prints in this process only.
PDF_PROCESSES = int(os.environ.get("PDF_PROCESSES", "2"))
# A half that has said nothing for this long is given up and the report printed whole.
WAIT_SECONDS = 60

_BODY_OPEN = re.compile(r"<body\b[^>]*>", re.IGNORECASE)


class PartFailed(RuntimeError):
    """The other half could not be printed; the caller prints the report whole."""


def html_halves(html):
    """(first, second) halves of `html`, cut at the PART_BREAK nearest its middle, or None.

    Each half is a whole document: the second gets the head and the body's opening tag again.
    """
    body = _BODY_OPEN.search(html)
    marks = [m.start() for m in re.finditer(re.escape(PART_BREAK), html)]
    if body is None or not marks:
        return None
    total = _text_length(html)
    cut = min(marks, key=lambda at: abs(_text_length(html[:at]) - total / 2))
    first = html[:cut] + "</body></html>"
    second = html[: body.end()] + html[cut + len(PART_BREAK) :]
    return first, second


_MARKUP = re.compile(r"<svg\b.*?</svg>|<[^>]*>", re.DOTALL | re.IGNORECASE)


def _text_length(html):
    """What the reader sees, roughly pages: markup (a chart's most of all) weighs nothing."""
    return len(_MARKUP.sub("", html))


class _PageNumbers:
    """While a half is printed: learns its page count, swaps counts with the other half, numbers."""

    def __init__(self, *, channel, first):
        self.channel, self.first = channel, first
        self.pages = self.offset = self.total = None

    def swap(self):
        """Send this half's page count, receive the other's (once, before the first margin box)."""
        with contextlib.suppress(OSError):  # the other half has ended: its message, if any, says why
            self.channel.send(("pages", self.pages))
        other = _receive(self.channel, "pages")
        self.offset = 0 if self.first else other
        self.total = self.pages + other


def _receive(channel, kind):
    if not channel.poll(WAIT_SECONDS):
        raise PartFailed(f"no {kind} from the other half in {WAIT_SECONDS} s")
    try:
        got, value = channel.recv()
    except (EOFError, OSError) as error:
        raise PartFailed(f"the other half ended without a word ({type(error).__name__})") from error
    if got != kind:
        raise PartFailed(f"the other half failed: {value}")
    return value


# The half this thread is printing, if any: a threaded server may print two reports at once.
_printing = threading.local()


def _active():
    return getattr(_printing, "numbers", None)


# WeasyPrint's internals, pinned by the lock (weasyprint>=70,<71): a version without them prints
# every report whole rather than failing.
_make_all_pages = getattr(weasy_layout, "make_all_pages", None)
_make_margin_boxes = getattr(weasy_layout, "make_margin_boxes", None)
HOOKED = _make_all_pages is not None and _make_margin_boxes is not None


def _all_pages(context, root_box, html, pages):
    pages = list(_make_all_pages(context, root_box, html, pages))
    numbers = _active()
    if numbers is not None:
        numbers.pages = len(pages)  # the last pass (repagination) is the one kept
    return pages


def _margin_boxes(context, page, state):
    numbers = _active()
    if numbers is not None:
        if numbers.total is None:
            numbers.swap()
        counters = state[1]
        counters["page"] = [context.current_page + numbers.offset]
        counters["pages"] = [numbers.total]
    return _make_margin_boxes(context, page, state)


if HOOKED:  # layout_document calls these through its own module's names
    weasy_layout.make_all_pages = _all_pages
    weasy_layout.make_margin_boxes = _margin_boxes
else:
    logger.warning(
        "WeasyPrint %s has no layout hooks for page numbers: reports are printed whole", weasyprint.__version__
    )


def _print_half(html, *, channel, first, render):
    _printing.numbers = _PageNumbers(channel=channel, first=first)
    try:
        return render(html)
    finally:
        _printing.numbers = None


def _serve(channel, parents_end, render):
    """The kept child's life: print second halves as they come, until the parent's end closes.

    A half that failed ends the child: whatever state it left is not trusted with the next one.
    """
    import signal

    parents_end.close()  # else the parent's end stays open here and the parent's exit is never heard
    # The parent's Python handlers (a worker's graceful stop, Ctrl-C's KeyboardInterrupt) are not
    # for this loop: the signal ends it, as it ends the parent. What the parent ignores, it ignores.
    for number in (signal.SIGINT, signal.SIGTERM):
        if signal.getsignal(number) is not signal.SIG_IGN:
            signal.signal(number, signal.SIG_DFL)
    while True:
        try:
            _kind, html = channel.recv()
        except (EOFError, OSError):  # the parent closed its end, or ended
            return
        try:
            channel.send(("pdf", _print_half(html, channel=channel, first=False, render=render)))
        except BaseException as error:  # whatever it was, the parent must hear it, not wait
            with contextlib.suppress(OSError):
                channel.send(("error", f"{type(error).__name__}: {error}"))
            return


class _Printer:
    """A forked child kept to print the second halves of this process's reports.

    Forking for every report cost the child its start and copying the memory pages it wrote (a
    tenth of a report's wall time); a kept child pays that once. It prints for the process that
    forked it, one report at a time, and is replaced after MAX_JOBS reports or any failure. A
    second thread printing meanwhile gets a printer for its one report.
    """

    def __init__(self, render):
        self.render, self.owner, self.jobs = render, os.getpid(), 0
        self.lock = threading.Lock()
        self.channel, theirs = multiprocessing.Pipe()
        self.process = multiprocessing.get_context("fork").Process(
            target=_serve, args=(theirs, self.channel, render), daemon=True, name="pdf-half-printer"
        )
        # Frozen, the parent's objects are left alone by the child's collector, which would otherwise
        # write to every one of them and copy their memory pages (a fifth of the child's CPU).
        gc.freeze()
        try:
            self.process.start()
        finally:
            gc.unfreeze()
        theirs.close()

    def usable(self, render):
        return self.owner == os.getpid() and self.render is render and self.process.is_alive()

    def close(self):
        """End the child: closing our end is its signal; one that does not listen is killed."""
        self.channel.close()
        self.process.join(timeout=1)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()


MAX_JOBS = 100
_printer = None
_printer_lock = threading.Lock()


def _printer_take(render):
    """This process's kept printer, started if need be and locked for the caller; None when
    another thread of this process is using it."""
    global _printer
    with _printer_lock:
        if _printer is not None:
            if not _printer.lock.acquire(blocking=False):
                return None
            if _printer.usable(render):
                return _printer
            _printer.lock.release()
            _printer_discard(_printer)
        _printer = _Printer(render)
        _printer.lock.acquire()
        return _printer


def _printer_discard(printer):
    global _printer
    if _printer is printer:
        _printer = None
    if printer.owner == os.getpid():
        printer.close()


def printer_close():
    """End this process's kept printer, if any (tests; it also ends with the process)."""
    with _printer_lock:
        if _printer is not None:
            _printer_discard(_printer)


def _forget_inherited_printer():
    """In a process forked from one that keeps a printer: the printer is not ours. Our copy of
    its pipe is closed, so that the printer still hears its owner's exit; the lock is new, as
    another thread may have held it at the fork."""
    global _printer, _printer_lock
    if _printer is not None:
        with contextlib.suppress(OSError):
            _printer.channel.close()
    _printer, _printer_lock = None, threading.Lock()


os.register_at_fork(after_in_child=_forget_inherited_printer)


def _outline_copy(writer, reader, items, *, offset, parent):
    """Copy `items` (pypdf's nested outline list) under `parent`; returns the last item added."""
    last = None
    for item in items:
        if isinstance(item, list):  # the children of the item before
            _outline_copy(writer, reader, item, offset=offset, parent=last)
        else:
            page = reader.get_destination_page_number(item) + offset
            last = writer.add_outline_item(title=item.title, page_number=page, parent=parent)
    return last


def pdf_join(pdfs):
    """One PDF of the pages of `pdfs` in order, as WeasyPrint would have printed it whole.

    The outline is rebuilt: a half that opens below the first half's top heading (the report's
    sections under the organisation's title) is nested under it again. The document language and
    metadata are the first half's.
    """
    readers = [PdfReader(io.BytesIO(pdf)) for pdf in pdfs]
    writer = PdfWriter()
    for reader in readers:
        writer.append(reader, import_outline=False)
    offset, top = 0, None
    for index, reader in enumerate(readers):
        outline = reader.outline
        last = _outline_copy(writer, reader, outline, offset=offset, parent=top)
        if index == 0 and len(outline) == 2 and isinstance(outline[1], list):
            top = last  # one title with its sections: the later halves' sections belong under it
        offset += len(reader.pages)
    root = readers[0].trailer["/Root"]
    if "/Lang" in root:
        writer.root_object[NameObject("/Lang")] = TextStringObject(str(root["/Lang"]))
    if readers[0].metadata:
        writer.add_metadata({key: value for key, value in readers[0].metadata.items() if isinstance(value, str)})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def html_to_pdf_in_halves(html, *, render):
    """PDF bytes of `html` printed as two halves at once, or None when it cannot be split.

    `render(html) -> bytes` prints one document. Raises PartFailed when the child failed; the
    caller then prints the whole (html_to_pdf does).
    """
    if not HOOKED or PDF_PROCESSES < 2 or multiprocessing.current_process().daemon:  # a pool's printer may not fork
        return None
    halves = html_halves(html)
    if halves is None:
        return None
    first, second = halves
    printer = kept = _printer_take(render)
    if printer is None:  # another thread is printing with the kept child: one for this report only
        printer = _Printer(render)
        printer.lock.acquire()
    try:
        try:
            try:
                printer.channel.send(("print", second))
            except OSError as error:  # it died since we looked
                raise PartFailed(f"the kept printer is gone ({type(error).__name__})") from error
            first_pdf = _print_half(first, channel=printer.channel, first=True, render=render)
            second_pdf = _receive(printer.channel, "pdf")
        except BaseException:
            # Messages of a half-done report may be left in the pipe: no later report may read them.
            with _printer_lock:
                _printer_discard(printer)
            raise
        printer.jobs += 1
        if kept is None or printer.jobs >= MAX_JOBS:  # WeasyPrint's caches and the heap only grow
            with _printer_lock:
                _printer_discard(printer)
    finally:
        printer.lock.release()
    return pdf_join([first_pdf, second_pdf])
