"""Print a report's PDF in the background while its web page is being read.

Staff open the report page, then click "PDF". The page already holds the report data; its PDF
HTML is a template render away (milliseconds), so the page checks whether that PDF is cached and,
if not, queues a worker to print it (about two seconds of WeasyPrint). By the time the link is
clicked, the PDF is usually waiting in the cache; if not, the view prints it as before.
"""

from django.db import transaction
from django_tasks import task

from assessment.models import Campaign

from . import cache
from .services import PDF_TEMPLATE, report_pdf

# One queued print per report HTML in this window, however often the page is reloaded.
CLAIM_SECONDS = 5 * 60


def report_pdf_prefetch(*, campaign, context, lang, department=None):
    """Queue the PDF of the report whose web context is `context`; True when a job was queued."""
    from . import pdf  # WeasyPrint's modules: imported by the first report page, not by the URL configuration

    html = pdf.template_to_html(PDF_TEMPLATE, context, lang=lang)
    fingerprint = pdf.pdf_fingerprint(html)
    if cache.pdf_is_cached(html, fingerprint=fingerprint):
        return False
    if not cache.claim(f"prefetch:{fingerprint}:{html}", seconds=CLAIM_SECONDS):
        return False
    # robust: a queue that is down must not cost the page, only the head start
    transaction.on_commit(lambda: report_pdf_warm.enqueue(campaign.pk, lang, department), robust=True)
    return True


@task()
def report_pdf_warm(campaign_id, lang, department=None):
    campaign = Campaign.objects.select_related("organisation", "framework").filter(pk=campaign_id).first()
    if campaign is None:  # deleted since the page was shown
        return
    report_pdf(campaign=campaign, lang=lang, department=department)
