"""A respondent in a real browser: Japanese, autosave, closing the tab, resuming elsewhere, submitting."""

import os
import re

import pytest
from django.core.management import call_command

from assessment.models import Answer, Response
from assessment.tokens import token_hash

from .conftest import FRAMEWORK_FILE

pytestmark = pytest.mark.browser


# Playwright's sync API keeps an event loop running in this thread for the whole session, and the
# ORM calls between browser steps (and the database set-up) are plain synchronous code, which
# Django would otherwise refuse. It must be set before any fixture runs, so at import; tests that
# start a `check --deploy` subprocess remove it from that process's environment.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def planned_value(index):
    """A varied but known answer for the index-th statement: 1–5 and some "don't know"."""
    return "dk" if index % 9 == 4 else str(index % 5 + 1)


def wait_until_saved(page):
    page.wait_for_function(
        "key => Object.keys(JSON.parse(localStorage.getItem(key) || '{}')).length === 0",
        arg=page.locator("#dimension-form").get_attribute("data-storage-key"),
    )
    page.locator("#save-status", has_text="すべての回答を保存しました").wait_for()


def answer_page(page, keys, plan):
    for key in keys:
        page.locator(f'input[name="item_{key}"][value="{plan[key]}"]').check()
    wait_until_saved(page)


def test_japanese_respondent_closes_the_tab_resumes_on_another_device_and_submits(
    transactional_db, live_server, browser, capsys
):
    call_command("load_framework", str(FRAMEWORK_FILE))
    call_command("seed_demo", "--seed", "2", "--force")  # DEBUG is off under pytest
    link = re.search(r"/r/[\w-]+/", capsys.readouterr().out).group(0)
    token = link.split("/")[2]
    response_filter = {"invitation__token_hash": token_hash(token)}

    from assessment.models import Item

    items = list(Item.objects.select_related("dimension").order_by("dimension__order", "order"))
    plan = {item.key: planned_value(i) for i, item in enumerate(items)}
    by_dimension = {}
    for item in items:
        by_dimension.setdefault(item.dimension.key, []).append(item.key)
    dimensions = list(by_dimension)

    # --- first device: Japanese browser ---------------------------------------------------
    first = browser.new_context(locale="ja-JP")
    page = first.new_page()
    page.goto(live_server.url + link)
    assert page.locator("html").get_attribute("lang") == "ja"
    assert page.get_by_role("heading", level=1).inner_text() == items[0].framework.title_ja
    page.get_by_role("radio", name=re.compile(r"^\s*事業部門")).check()
    page.locator('select[name="department"]').select_option(label="研究開発本部")
    page.locator('input[name="tenure"][value="y3_10"]').check()
    page.get_by_role("button", name="開始する").click()

    page.wait_for_url(f"**{link}d/{dimensions[0]}/")
    answer_page(page, by_dimension[dimensions[0]], plan)
    page.get_by_role("button", name="次へ").click()
    page.wait_for_url(f"**{link}d/{dimensions[1]}/")
    # half of the second section, saved only by autosave, then the tab is closed
    half = by_dimension[dimensions[1]][:3]
    answer_page(page, half, plan)
    assert "全42問中" in page.locator("#progress-text").inner_text()
    page.close()
    first.close()

    saved = dict(
        Answer.objects.filter(response__in=Response.objects.filter(**response_filter)).values_list("item__key", "value")
    )
    assert set(saved) == set(by_dimension[dimensions[0]]) | set(half)

    # --- second device: no cookies, no local storage, only the link ---------------------------
    second = browser.new_context(locale="ja-JP")
    page = second.new_page()
    page.goto(live_server.url + link)
    page.get_by_role("button", name="続ける").click()
    page.wait_for_url(f"**{link}d/{dimensions[1]}/")
    for key in half:  # what was saved before closing is shown again
        assert page.locator(f'input[name="item_{key}"][value="{plan[key]}"]').is_checked()
    answer_page(page, by_dimension[dimensions[1]][3:], plan)
    for dimension in dimensions[1:]:
        if dimension != dimensions[1]:
            answer_page(page, by_dimension[dimension], plan)
        page.locator('button[name="go"][value="next"]').click()
        page.wait_for_load_state()
    page.wait_for_url(f"**{link}review/")
    page.get_by_role("button", name="回答を送信する").click()
    page.wait_for_url(f"**{link}done/")
    assert "回答を送信しました" in page.content()
    # the back button lands on a locked page, not a second submission
    page.go_back()
    assert page.url.endswith(f"{link}done/")
    second.close()

    response = Response.objects.get(**response_filter)
    assert response.submitted_at is not None
    assert (response.role_group, response.department.key, response.tenure) == ("business", "rd", "y3_10")
    stored = dict(Answer.objects.filter(response=response).values_list("item__key", "value"))
    assert stored == {key: (None if value == "dk" else int(value)) for key, value in plan.items()}
