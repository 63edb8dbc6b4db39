"""The respondent's and the reader's experience in a real browser (issue 16).

A phone-sized respondent in Japanese and English (stacked full-width choices, one accessible name per
choice, keyboard-only answering, the review page's jump links and a submit that stays in view), axe-core
on every kind of page, and screenshots for a reviewer in `var/screenshots/` (git-ignored, named in
the README).
"""

import os
import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command

from assessment.models import Answer, Item, Response
from assessment.tokens import token_hash

from .conftest import FRAMEWORK_FILE

pytestmark = pytest.mark.browser
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # see test_browser_respondent.py

SCREENSHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
TEXT = {
    "ja": {
        "start": "開始する",
        "review": "保存して確認ページへ",
        "submit": "回答を送信する",
        "strongly_agree": "とてもそう思う",
        "dont_know": "わからない",
        "goto": "未回答の設問へ移動：",
    },
    "en": {
        "start": "Start",
        "review": "Save and go to review",
        "submit": "Submit my answers",
        "strongly_agree": "Strongly agree",
        "dont_know": "Don't know",
        "goto": "Go straight to:",
    },
}
_axe = Axe()


def shot(page, name, full_page=True):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name), full_page=full_page)


def assert_no_serious_violations(page):
    """axe-core on the page as it is now: no serious or critical violation."""
    results = _axe.run(page)
    bad = [v for v in results.response["violations"] if v["impact"] in {"serious", "critical"}]
    details = "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:5]}" for v in bad
    )
    assert not bad, f"{page.url}\n{details}"


@pytest.fixture
def demo(transactional_db, capsys):
    call_command("load_framework", str(FRAMEWORK_FILE))
    call_command("seed_demo", "--seed", "3", "--force")  # DEBUG is off under pytest
    return re.search(r"/r/[\w-]+/", capsys.readouterr().out).group(0)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_phone_respondent_answers_by_touch_and_keyboard_reviews_and_submits(demo, live_server, browser, lang):
    text = TEXT[lang]
    link = demo
    context = browser.new_context(locale="ja-JP" if lang == "ja" else "en-GB", **PHONE)
    page = context.new_page()
    page.goto(live_server.url + link)
    if page.locator('input[name="role_group"]').count():
        page.locator('input[name="role_group"]').first.check()
    if page.locator('select[name="department"]').count():
        page.locator('select[name="department"]').select_option(index=1)
    page.locator('input[name="tenure"]').first.check()
    page.get_by_role("button", name=text["start"]).click()
    page.wait_for_selector("#dimension-form")
    assert_no_serious_violations(page)

    groups = page.locator("#dimension-form fieldset.statement-group")
    n = groups.count()
    assert n == 7
    # each choice has its own accessible name: the scale label, not the statement
    assert page.get_by_role("radio", name=text["strongly_agree"], exact=True).count() == n
    assert page.get_by_role("radio", name=text["dont_know"], exact=True).count() == n
    # every statement is a group named by its legend
    assert page.get_by_role("group").count() >= n
    first = groups.first
    legend = first.locator("legend").inner_text()
    assert first.get_by_role("radio").count() == 6 and legend.strip()

    # phone layout: full-width stacked targets of at least 44 px, labels on one or two lines,
    # "don't know" below the scale with a gap
    group_box = first.bounding_box()
    labels = first.locator("label.choice")
    boxes = [labels.nth(i).bounding_box() for i in range(labels.count())]
    for box in boxes:
        assert box["height"] >= 44 and box["width"] >= 0.85 * group_box["width"], box
    for i in range(len(boxes) - 2):
        assert boxes[i + 1]["y"] >= boxes[i]["y"] + boxes[i]["height"] - 1  # stacked, not side by side
    assert boxes[-1]["y"] - (boxes[-2]["y"] + boxes[-2]["height"]) >= 12  # "don't know" set apart
    for span in first.locator(".choice-label").all():
        line = float(span.evaluate("e => parseFloat(getComputedStyle(e).lineHeight)"))
        assert span.bounding_box()["height"] <= 2 * line + 1, span.inner_text()  # no one-character lines
    shot(page, f"phone-survey-{lang}.png")

    # keyboard only: Tab reaches each statement's group, Space picks the first choice, arrows move
    page.locator("#scale-help").click()
    token = link.split("/")[2]
    keys = [g.get_attribute("data-item") for g in groups.all()]
    for index, key in enumerate(keys[:4]):
        page.keyboard.press("Tab")
        focused = page.evaluate("() => document.activeElement.name")
        assert focused == f"item_{key}", focused
        page.keyboard.press("Space")
        for _ in range(index):
            page.keyboard.press("ArrowDown")
    page.wait_for_function(
        "key => Object.keys(JSON.parse(localStorage.getItem(key) || '{}')).length === 0", arg=f"pending:{token}"
    )
    response = Response.objects.get(invitation__token_hash=token_hash(token))
    saved = {a.item.key: a.value for a in Answer.objects.filter(response=response).select_related("item")}
    assert [saved.get(k) for k in keys[:4]] == [1, 2, 3, 4]

    # the rest of the page is skipped: the review page lists what is missing and links to it
    page.get_by_role("button", name=text["review"]).click()
    page.wait_for_url("**/review/")
    assert page.get_by_text(text["goto"]).is_visible()
    submit = page.locator("#submit-button")
    box = submit.bounding_box()
    assert box["y"] + box["height"] <= PHONE["viewport"]["height"]  # in view without scrolling
    assert submit.is_disabled()
    assert_no_serious_violations(page)
    shot(page, f"phone-review-{lang}.png", full_page=False)  # the submit bar as the phone shows it
    jump = page.locator("#unanswered-list a").first
    target = jump.get_attribute("href").split("#")[1]
    jump.click()
    page.wait_for_selector(f"#{target}")
    assert page.locator(f"#{target}").is_visible()

    # answer everything, then the submit at the bottom of the screen is enabled
    missing = set(Item.objects.values_list("key", flat=True)) - set(saved) - set(keys[:4])
    while page.locator("#unanswered-list a").count() or "/review/" not in page.url:
        if "/review/" in page.url:
            page.locator("#unanswered-list a").first.click()
        page.wait_for_selector("#dimension-form")
        for radio in page.locator('#dimension-form input[type="radio"][value="3"]').all():
            radio.check()
        page.wait_for_function(
            "key => Object.keys(JSON.parse(localStorage.getItem(key) || '{}')).length === 0", arg=f"pending:{token}"
        )
        page.locator('button[name="go"][value="review"], button[name="go"][value="next"]').last.click()
        page.wait_for_load_state()
        if "/review/" not in page.url:
            page.goto(live_server.url + link + "review/")
    assert missing
    page.get_by_role("button", name=text["submit"]).click()
    page.wait_for_url("**/done/")
    assert_no_serious_violations(page)
    shot(page, f"phone-thank-you-{lang}.png")
    context.close()


STAFF_PAGES = [  # (name for the screenshot or None, URL pattern)
    (None, "/console/"),
    (None, "/console/campaigns/{pk}/"),
    (None, "/console/campaigns/{pk}/response-rates/"),
    ("report-page", "/reports/campaigns/{pk}/"),
    (None, "/workshop/campaigns/{pk}/summary/"),
]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_staff_pages_pass_axe_and_the_facilitator_screen_reads_from_the_back(demo, live_server, browser, lang):
    from assessment.demo import DEMO_PASSWORD
    from assessment.models import Campaign

    pk = Campaign.objects.get(organisation__slug="demo-manufacturing").pk
    context = browser.new_context(locale="ja-JP" if lang == "ja" else "en-GB", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator('input[name="username"]').fill("consultant")
    page.locator('input[name="password"]').fill(DEMO_PASSWORD)
    page.locator('form button[type="submit"]').last.click()
    page.wait_for_url("**/console/")
    for name, pattern in STAFF_PAGES:
        page.goto(live_server.url + pattern.format(pk=pk))
        assert page.locator("html").get_attribute("lang") == lang
        assert_no_serious_violations(page)
        if name:
            shot(page, f"{name}-{lang}.png", full_page=False)

    # the facilitator's screen on a projector-sized window, after starting a workshop
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{live_server.url}/workshop/campaigns/{pk}/")
    page.locator('form[action$="/start/"] input[name="expected"]').first.fill("20")
    page.locator('form[action$="/start/"] button').first.click()
    page.wait_for_selector("svg.qr", timeout=60000)  # a loaded shared machine draws charts slowly
    page.locator("#survey-radar svg").wait_for(timeout=60000)
    assert_no_serious_violations(page)
    # large labels: the phase, the counts and the row headings are big enough to read from afar
    assert float(page.locator("#count-submitted").evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 48
    assert (
        float(page.locator("#vote-table th[scope=row]").first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))
        >= 20
    )
    shot(page, f"facilitator-{lang}.png", full_page=False)
    context.close()

    # a participant's vote page on a phone: five full-width levels, each with its score band
    phone = browser.new_context(locale="ja-JP" if lang == "ja" else "en-GB", **PHONE).new_page()
    phone.goto(f"{live_server.url}/workshop/vote/{demo.split('/')[2]}/")
    fieldset = phone.locator("form fieldset").first
    labels = fieldset.locator("label.btn")
    assert labels.count() == 5
    width = fieldset.bounding_box()["width"]
    for label in labels.all():
        box = label.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 0.85 * width
    assert "20–39" in labels.nth(1).inner_text()
    assert_no_serious_violations(phone)
    shot(phone, f"phone-vote-{lang}.png", full_page=False)
    phone.context.close()
