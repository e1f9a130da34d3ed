"""The web view (/ui/) of the real storage under gunicorn, driven by a real headless Chromium through Selenium.

Needs Debian's `chromium` and `chromium-driver` (`make stack-test` installs them when missing): without them these
tests fail, they do not skip. Data: results POSTed with the write token, under a prefix of this run's own.
"""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException, StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking")
COOKIE = "results_read_token"
EVIL = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def browser():
    """A headless Chromium, from Debian's packages: no driver or browser download (Selenium Manager never runs)."""
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    assert not missing, f"missing {missing}: apt-get install -y chromium chromium-driver (make stack-test does)"
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument("--window-size=1280,900")
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def _time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture(scope="module")
def seeded(stack):
    """Three results of this run's own objects (one key holding markup), two groups of this run's own ids: `often`
    (ERROR) in all three, an hour apart, and `once` (WARN) in the last. Returns the ids, keys and the prefix."""
    run = uuid.uuid4().hex[:8]
    prefix = f"tests/ui-{run}/"
    often = {"id": f"uiof{run}", "level": "ERROR", "template": f"payment {run} failed for order <N>",
             "sample": f"ERROR payment {run} failed for order 1234"}
    once = {"id": f"uion{run}", "level": "WARN", "template": f"slow query {run} took <N> ms",
            "sample": f"WARN slow query {run} took 950 ms"}
    now = datetime.now(timezone.utc).replace(microsecond=0)
    writer = requests.Session()
    writer.headers["Authorization"] = f"Bearer {stack.env['RESULTS_WRITE_TOKEN']}"
    keys, ids = [f"{prefix}api-1.log", f"{prefix}api-2.log", f"{prefix}{EVIL}.log"], []
    for n, key in enumerate(keys):
        start = now - timedelta(hours=3 - n)
        groups = [dict(often, count=n + 2, first_line=1, last_line=40, first_time=_time(start),
                       last_time=_time(start + timedelta(minutes=5)))]
        if n == 2:
            groups.append(dict(once, count=1, first_line=7, last_line=7, first_time=_time(start),
                               last_time=_time(start)))
        counts = {"FATAL": 0, "ERROR": n + 2, "WARN": 1 if n == 2 else 0}
        body = {"lines": 100, "bytes": 5000, "counts": counts, "stack_traces": 0, "groups": groups,
                "groups_total": len(groups), "first_time": _time(start), "last_time": _time(start + timedelta(minutes=5)),
                "bucket": stack.bucket, "key": key, "etag": uuid.uuid4().hex, "version_id": None, "size": 5000}
        resp = writer.post(f"{stack.storage}/results", json=body, timeout=10)
        assert resp.status_code == 201, resp.text
        ids.append(resp.json()["id"])
    return {"prefix": prefix, "keys": keys, "ids": ids, "often": often, "once": once}


@pytest.fixture
def logged_in(browser, stack):
    """The browser with the view's cookie, got through ?token=."""
    browser.delete_all_cookies()
    browser.get(f"{stack.storage}/ui/?token={stack.env['RESULTS_READ_TOKEN']}")
    assert browser.get_cookie(COOKIE) is not None
    return browser


def _heading(driver) -> str:
    return driver.find_element(By.TAG_NAME, "h1").text


def _follow(driver, element) -> None:
    """Clicks a link or submit button and waits until the next page replaced this one (a click returns before a
    form's response has loaded: elements found right after it may still be the old page's)."""
    page = driver.find_element(By.TAG_NAME, "html")
    element.click()
    WebDriverWait(driver, 30).until(lambda _: _replaced(page))


def _replaced(page) -> bool:
    """Whether the element's page is gone: stale, or (Chrome asked while the next page loads) a node that "does not
    belong to the document" any more, an error selenium's staleness_of does not take for staleness."""
    try:
        page.is_enabled()
    except StaleElementReferenceException:
        return True
    except WebDriverException as exc:
        if "does not belong to the document" in str(exc):
            return True
        raise
    return False


def test_without_a_token_the_browser_gets_the_login_form_and_the_form_logs_in(browser, stack, seeded):
    browser.delete_all_cookies()
    browser.get(f"{stack.storage}/ui/groups")
    assert browser.title.startswith("Log in") and _heading(browser) == "Log in"
    browser.find_element(By.NAME, "token").send_keys("not-the-token-000000000")
    _follow(browser, browser.find_element(By.CSS_SELECTOR, "form button[type=submit]"))
    assert "invalid bearer token" in browser.find_element(By.CLASS_NAME, "error").text
    assert browser.get_cookie(COOKIE) is None
    browser.find_element(By.NAME, "token").send_keys(stack.env["RESULTS_READ_TOKEN"])
    _follow(browser, browser.find_element(By.CSS_SELECTOR, "form button[type=submit]"))
    assert urlsplit(browser.current_url).path == "/ui/groups" and _heading(browser) == "Groups"
    assert browser.get_cookie(COOKIE)["httpOnly"] is True


def test_the_url_token_becomes_a_cookie_and_leaves_the_url(browser, stack, seeded):
    browser.delete_all_cookies()
    token = stack.env["RESULTS_READ_TOKEN"]
    browser.get(f"{stack.storage}/ui/?prefix={seeded['prefix']}&token={token}")
    assert token not in browser.current_url and "token=" not in browser.current_url
    assert urlsplit(browser.current_url).query == f"prefix={seeded['prefix']}".replace("/", "%2F")
    assert browser.title.startswith("Results") and _heading(browser) == "Results"
    cookie = browser.get_cookie(COOKIE)
    assert cookie["httpOnly"] is True and cookie["sameSite"] == "Strict" and cookie["path"] == "/ui"
    browser.get(f"{stack.storage}/ui/groups")   # the cookie carries on, no token in sight
    assert _heading(browser) == "Groups"
    text = Path(stack.env["LOG_DIR"], "storage.log").read_text(errors="replace")
    assert token not in text


def test_click_through_results_result_group_and_back(logged_in, stack, seeded):
    browser = logged_in
    browser.get(f"{stack.storage}/ui/?prefix={seeded['prefix']}")
    rows = browser.find_elements(By.CSS_SELECTOR, "table.results tbody tr")
    assert [r.find_element(By.CSS_SELECTOR, "td.key a").text for r in rows] == list(reversed(seeded["keys"]))
    _follow(browser, rows[1].find_element(By.CSS_SELECTOR, "td.key a"))     # api-2.log
    assert _heading(browser) == seeded["keys"][1]
    assert urlsplit(browser.current_url).path == f"/ui/results/{seeded['ids'][1]}"
    _follow(browser, browser.find_element(By.LINK_TEXT, seeded["often"]["template"]))
    assert urlsplit(browser.current_url).path == f"/ui/groups/{seeded['often']['id']}"
    assert seeded["often"]["template"] in _heading(browser)
    objects = browser.find_elements(By.CSS_SELECTOR, "table.objects td.key a")
    assert [a.text for a in objects] == list(reversed(seeded["keys"]))
    _follow(browser, objects[2])                                            # api-1.log
    assert _heading(browser) == seeded["keys"][0]
    browser.back()
    assert seeded["often"]["template"] in _heading(browser)


def test_the_group_chart_has_bars(logged_in, stack, seeded):
    browser = logged_in
    browser.get(f"{stack.storage}/ui/groups/{seeded['often']['id']}")
    svg = browser.find_element(By.CSS_SELECTOR, "svg.chart")
    assert svg.size["width"] > 100 and svg.size["height"] > 100
    bars = svg.find_elements(By.CSS_SELECTOR, "rect.bar")
    assert len(bars) == 3   # three results, an hour apart
    for bar in bars:
        box = browser.execute_script("const b = arguments[0].getBBox(); return [b.width, b.height];", bar)
        assert box[0] > 0 and box[1] > 0 and bar.size["height"] > 0
    heights = [browser.execute_script("return arguments[0].getBBox().height;", bar) for bar in bars]
    assert heights == sorted(heights) and heights[0] < heights[-1]   # 2, 3, 4 events
    titles = [bar.find_element(By.TAG_NAME, "title").get_attribute("textContent") for bar in bars]
    assert [t.rsplit(": ", 1)[1] for t in titles] == ["2", "3", "4"]
    labels = [t.text for t in svg.find_elements(By.CSS_SELECTOR, "text.y-label")]
    assert labels == ["4", "0"]


def test_the_groups_page_lists_new_groups_with_links(logged_in, stack, seeded):
    browser = logged_in
    browser.get(f"{stack.storage}/ui/groups")
    assert browser.title.startswith("Groups")
    new = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "table.new td.tpl a")]
    assert seeded["often"]["template"] in new and seeded["once"]["template"] in new
    _follow(browser, browser.find_element(By.LINK_TEXT, seeded["once"]["template"]))
    assert seeded["once"]["template"] in _heading(browser)
    assert [a.text for a in browser.find_elements(By.CSS_SELECTOR, "table.objects td.key a")] == [seeded["keys"][2]]


def test_markup_in_a_key_is_shown_as_text_and_never_runs(logged_in, stack, seeded):
    browser = logged_in
    browser.get(f"{stack.storage}/ui/results/{seeded['ids'][2]}")
    assert _heading(browser) == seeded["keys"][2]
    assert browser.find_elements(By.CSS_SELECTOR, "main script") == []
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text
    badges = browser.find_elements(By.CLASS_NAME, "badge-new")
    assert [b.text for b in badges] == ["new"]   # `once` first appeared here; `often` did not
