"""The web view under /ui/ (app/ui.py, app/templates/ui/) and its chart (app/svg_chart.py)."""
import re
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone

import pytest
from botocore.exceptions import EndpointConnectionError

from app import svg_chart

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
CURL = {"Accept": "*/*"}
NO_TOKEN = {"Authorization": ""}          # TokenClient: send no Authorization header at all
SVG = "{http://www.w3.org/2000/svg}"
EVIL = "<script>alert(1)</script>"
EVIL_ID = "<img src=x onerror=alert(1)>"   # one without a slash: fits in one path segment


def html(resp) -> str:
    assert resp.mimetype == "text/html", resp.get_data(as_text=True)[:300]
    return resp.get_data(as_text=True)


def links(page: str, prefix: str) -> list[str]:
    return re.findall(rf'href="({re.escape(prefix)}[^"]*)"', page)


def follow_pages(client, url: str) -> list[tuple[str, str]]:
    """(url, html) of each page of a listing, from `url` on through its "next" links."""
    pages = []
    while url:
        page = html(client.get(url.replace("&amp;", "&")))
        pages.append((url, page))
        found = re.search(r'<a href="([^"]*)" rel="next">', page)
        url = found and found.group(1)
    return pages


def ids(page: str, prefix: str) -> list[str]:
    """The ids a page links to under `prefix`."""
    return [link.rsplit("/", 1)[1] for link in links(page, prefix)]


# --- pages ------------------------------------------------------------------------------------------------------

def test_results_page_lists_results_newest_first_with_counts_and_links(client, post):
    old = post(client, etag="1", key="app/old.log")
    new = post(client, etag="2", key="app/new.log", counts={"FATAL": 0, "ERROR": 7, "WARN": 4},
               first_time="2026-11-27T18:01:02Z", last_time="2026-11-27T19:03:04Z")
    resp = client.get("/ui/")
    page = html(resp)
    assert resp.status_code == 200 and "<h1>Results</h1>" in page
    assert links(page, "/ui/results/") == [f"/ui/results/{new['id']}", f"/ui/results/{old['id']}"]
    row = page[page.index("app/new.log"):page.index("app/old.log")]
    assert [int(n) for n in re.findall(r'<td class="num"><span class="[a-z]*">(\d+)</span>', row)] == [0, 7, 4]
    assert "2026-11-27 18:01:02" in row and "2026-11-27 19:03:04" in row
    assert resp.headers["Cache-Control"] == "no-store" and "script-src" not in resp.headers["Content-Security-Policy"]
    assert "default-src 'none'" in resp.headers["Content-Security-Policy"]


def test_results_page_filters_by_prefix_level_and_time(client, post):
    post(client, etag="1", key="web/a.log", counts={"FATAL": 0, "ERROR": 0, "WARN": 2})
    post(client, etag="2", key="web/b.log", counts={"FATAL": 0, "ERROR": 1, "WARN": 0})
    post(client, etag="3", key="db/c.log", counts={"FATAL": 1, "ERROR": 0, "WARN": 0})

    def keys(**query):
        resp = client.get("/ui/", query_string=query)
        assert resp.status_code == 200
        return re.findall(r'href="/ui/results/[0-9a-f]+">([^<]*)</a>', html(resp))

    assert keys() == ["db/c.log", "web/b.log", "web/a.log"]
    assert keys(prefix="web/") == ["web/b.log", "web/a.log"]
    assert keys(min_level="ERROR") == ["db/c.log", "web/b.log"]
    assert keys(min_level="fatal") == ["db/c.log"]
    assert keys(prefix="web/", min_level="ERROR") == ["web/b.log"]
    assert keys(since="1h") == ["db/c.log", "web/b.log", "web/a.log"]   # the test clock is ms after the posts
    client.application.extensions["storage"].clock.now += timedelta(hours=2)
    assert keys(since="1h") == [] and len(keys(since="24h")) == 3
    page = html(client.get("/ui/", query_string={"prefix": "web/", "min_level": "ERROR", "since": "24h"}))
    assert 'value="web/"' in page and '<option value="ERROR" selected>' in page and '<option value="24h" selected>' in page


@pytest.mark.parametrize("query", [{"min_level": "INFO"}, {"since": "2d"}, {"limit": "0"}, {"limit": "x"}])
def test_bad_filters_are_a_400_page(client, query):
    resp = client.get("/ui/", query_string=query)
    assert resp.status_code == 400 and "must be" in html(resp)
    assert client.get("/ui/groups", query_string=query).status_code == 400


def test_results_page_pages_through_the_listing_cursor(client, post):
    posted = [post(client, etag=str(i), key=f"k/{i}.log") for i in range(5)]
    pages = follow_pages(client, "/ui/?prefix=k/&limit=2")
    for n, (url, page) in enumerate(pages):
        assert ("« First page" in page) == (n > 0)
        assert n == 0 or ("prefix=k%2F" in url and "limit=2" in url and "cursor=" in url)
    seen = [i for _, page in pages for i in ids(page, "/ui/results/")]
    assert seen == [r["id"] for r in reversed(posted)]
    assert len(pages) == 3
    resp = client.get("/ui/", query_string={"cursor": "not-a-cursor"})
    assert resp.status_code == 404 and "No such page" in html(resp)


def test_result_page_shows_the_object_and_its_groups(client, post, make_result):
    groups = make_result()["groups"]
    groups[0].update(first_time="2026-11-27T10:00:00Z", last_time="2026-11-27T11:30:00Z")
    stored = post(client, groups=groups, first_time="2026-11-27T10:00:00Z", last_time="2026-11-27T11:30:00Z")
    resp = client.get(f"/ui/results/{stored['id']}")
    page = html(resp)
    assert resp.status_code == 200
    for text in ("logs", stored["key"], "3.9 KiB", "4000 bytes", "2026-11-27 10:00:00", "2026-11-27 11:30:00",
                 "Failed to load order &lt;N&gt;", "ERROR Failed to load order 81723", "10–90", stored["id"]):
        assert text in page, text
    assert links(page, "/ui/groups/") == [f"/ui/groups/{g['id']}" for g in stored["groups"]]
    assert page.count('class="badge-new"') == sum(1 for g in stored["groups"] if g.get("new"))


def test_new_badge_only_where_the_group_is_new(client, post):
    first = post(client, etag="1")
    second = post(client, etag="2")
    assert all(g.get("new") for g in first["groups"]) and not any(g.get("new") for g in second["groups"])
    assert html(client.get(f"/ui/results/{first['id']}")).count('class="badge-new"') == len(first["groups"])
    assert 'class="badge-new"' not in html(client.get(f"/ui/results/{second['id']}"))


def test_result_page_renders_an_old_result_without_times_or_new(client, post, make_result):
    groups = [{k: v for k, v in g.items() if k not in ("first_time", "last_time", "new")}
              for g in make_result()["groups"]]
    stored = post(client, groups=groups)
    page = html(client.get(f"/ui/results/{stored['id']}"))
    assert "—" in page and "Failed to load order" in page


def test_unknown_ids_are_404_pages(client):
    for url in ("/ui/results/0123456789abcdef0123456789abcdef", "/ui/results/group%23g1", "/ui/results/" + "a" * 200,
                "/ui/groups/nothing-here", "/ui/groups/" + "b" * 200):
        resp = client.get(url)
        assert resp.status_code == 404 and "not found" in html(resp), url


def test_groups_page_lists_new_groups_first_then_the_rest(client, post, make_result):
    clock = client.application.extensions["storage"].clock
    old_groups = [dict(g, id=f"old{i}", template=f"old template {i}") for i, g in enumerate(make_result()["groups"])]
    post(client, etag="1", groups=old_groups)
    clock.now += timedelta(days=2)
    post(client, etag="2")                        # g1, g2, g3: new now
    clock.now += timedelta(minutes=1)
    post(client, etag="3", groups=old_groups[:1])  # old0 seen again, still not new
    resp = client.get("/ui/groups")
    page = html(resp)
    assert resp.status_code == 200 and "<h1>Groups</h1>" in page
    new_part, rest_part = page.split('<h2 id="all">')
    assert sorted(links(new_part, "/ui/groups/")) == ["/ui/groups/g1", "/ui/groups/g2", "/ui/groups/g3"]
    rest = links(rest_part, "/ui/groups/")   # old0 seen last; old1 and old2 seen at the same moment
    assert rest[0] == "/ui/groups/old0" and sorted(rest[1:]) == ["/ui/groups/old1", "/ui/groups/old2"]
    wide = html(client.get("/ui/groups", query_string={"new": "7d"}))
    assert len(links(wide.split('<h2 id="all">')[0], "/ui/groups/")) == 6
    assert "No other groups" in wide
    fatal = html(client.get("/ui/groups", query_string={"min_level": "FATAL", "new": ""}))
    assert '<h2 id="new">' not in fatal and links(fatal, "/ui/groups/") == ["/ui/groups/g3", "/ui/groups/old2"]


def test_groups_page_pages_the_rest(client, post, make_result):
    for i in range(5):
        post(client, etag=str(i), groups=[dict(make_result()["groups"][0], id=f"p{i}", template=f"t{i}")])
    seen = [link for _, page in follow_pages(client, "/ui/groups?new=&limit=2") for link in links(page, "/ui/groups/p")]
    assert seen == [f"/ui/groups/p{i}" for i in reversed(range(5))]


def old_and_new_groups(client, post, make_result, old: int, new: int) -> None:
    """`old` groups o0.. first seen two days ago, then `new` groups n0.. first seen now, one result each."""
    clock = client.application.extensions["storage"].clock
    template = make_result()["groups"][0]
    for i in range(old):
        post(client, etag=f"old{i}", groups=[dict(template, id=f"o{i}", template=f"old {i}")])
    clock.now += timedelta(days=2)
    for i in range(new):
        post(client, etag=f"new{i}", groups=[dict(template, id=f"n{i}", template=f"new {i}")])


@pytest.mark.parametrize("limit", [1, 2, 3, 5, 7])
def test_groups_page_pages_new_then_other_groups_each_once(client, post, make_result, limit):
    """More new groups than a page holds: every group exactly once over the pages, the new ones first."""
    old_and_new_groups(client, post, make_result, old=3, new=4)
    seen = [i for _, page in follow_pages(client, f"/ui/groups?limit={limit}") for i in ids(page, "/ui/groups/")]
    assert seen == ["n3", "n2", "n1", "n0", "o2", "o1", "o0"]


def test_group_page_shows_the_group_its_objects_and_a_chart(client, post, make_result):
    groups = make_result()["groups"]
    groups[0].update(first_time="2026-11-27T10:00:00Z", last_time="2026-11-27T10:05:00Z")
    a = post(client, etag="1", key="a.log", groups=groups)
    b = post(client, etag="2", key="b.log")        # no times: charted at its stored_at
    resp = client.get("/ui/groups/g1")
    page = html(resp)
    assert resp.status_code == 200
    for text in ("Failed to load order &lt;N&gt;", "ERROR Failed to load order 81723", "<dd>6</dd>", "<dd>2</dd>",
                 "Events over time"):
        assert text in page, text
    assert links(page, "/ui/results/") == [f"/ui/results/{b['id']}", f"/ui/results/{a['id']}"]
    svg = ET.fromstring(page[page.index("<svg"):page.index("</svg>") + 6])
    bars = svg.findall(f"{SVG}rect")
    assert len(bars) == 2 and all(float(bar.get("height")) > 0 for bar in bars)
    assert [bar.find(f"{SVG}title").text.endswith("events: 3") for bar in bars] == [True, True]


def test_attacker_text_is_escaped_everywhere(client, post, make_result):
    groups = [dict(make_result()["groups"][0], id="evil", template=f"tpl {EVIL}", sample=f"sample {EVIL}")]
    stored = post(client, key=f"logs/{EVIL}.log", bucket="logs", groups=groups)
    for url in ("/ui/", f"/ui/results/{stored['id']}", "/ui/groups", "/ui/groups/evil", f"/ui/results/{EVIL_ID}",
                f"/ui/groups/{EVIL_ID}", "/ui/?prefix=" + EVIL):
        page = html(client.get(url))
        assert "<script" not in page and "<img" not in page, url
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html(client.get("/ui/groups/evil"))


# --- credentials ------------------------------------------------------------------------------------------------

def test_a_read_token_header_opens_the_view(client):
    assert client.get("/ui/", headers=CURL).status_code == 200


def test_no_token_is_401_json_for_curl_and_the_login_form_for_a_browser(client):
    resp = client.get("/ui/groups", headers={**NO_TOKEN, **CURL})
    assert resp.status_code == 401 and resp.json["error"] == "missing bearer token"
    assert resp.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/ui/", headers={**NO_TOKEN}).status_code == 401
    resp = client.get("/ui/groups?min_level=ERROR", headers={**NO_TOKEN, **BROWSER})
    page = html(resp)
    assert resp.status_code == 401 and '<form method="post" action="/ui/login">' in page
    assert 'name="next" value="/ui/groups?min_level=ERROR"' in page
    resp = client.get("/ui/", headers={"Authorization": "Bearer wrong-token-000000000", **BROWSER})
    assert resp.status_code == 401 and "invalid bearer token" in html(resp)


def test_the_write_token_is_403(client, write_token):
    resp = client.get("/ui/", headers={"Authorization": f"Bearer {write_token}", **CURL})
    assert resp.status_code == 403 and "read" in resp.json["error"]
    resp = client.get("/ui/", query_string={"token": write_token}, headers={**NO_TOKEN, **CURL})
    assert resp.status_code == 403 and "Set-Cookie" not in resp.headers


def test_url_token_sets_the_cookie_and_redirects_without_it(client, read_token):
    resp = client.get(f"/ui/groups?min_level=WARN&token={read_token}&since=24h", headers={**NO_TOKEN, **BROWSER})
    assert resp.status_code == 303
    assert resp.headers["Location"] == "/ui/groups?min_level=WARN&since=24h"
    cookie = resp.headers["Set-Cookie"]
    assert cookie.startswith(f"results_read_token={read_token};")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/ui" in cookie and "Secure" not in cookie
    resp = client.get("/ui/groups?min_level=WARN&since=24h", headers={**NO_TOKEN, **BROWSER})  # cookie only
    assert resp.status_code == 200 and "<h1>Groups</h1>" in html(resp)
    assert client.get("/results", headers={**NO_TOKEN, **CURL}).status_code == 401   # the cookie is the view's only


@pytest.mark.parametrize("secure", [{"base_url": "https://storage.example"},
                                    {"headers": {**NO_TOKEN, "X-Forwarded-Proto": "https"}}])
def test_the_cookie_is_secure_over_https(client, read_token, secure):
    kwargs = {"headers": NO_TOKEN, **secure}
    resp = client.get("/ui/", query_string={"token": read_token}, **kwargs)
    assert resp.status_code == 303 and "Secure" in resp.headers["Set-Cookie"]


def test_a_wrong_url_token_is_refused_without_a_cookie(client):
    resp = client.get("/ui/?token=wrong-token-000000000", headers={**NO_TOKEN, **CURL})
    assert resp.status_code == 401 and resp.json["error"] == "invalid bearer token" and "Set-Cookie" not in resp.headers
    resp = client.get("/ui/?token=wrong-token-000000000", headers={**NO_TOKEN, **BROWSER})
    assert resp.status_code == 401 and "invalid bearer token" in html(resp)
    assert 'value="/ui/"' in html(resp)   # the form's next page does not carry the wrong token along


def test_a_wrong_cookie_is_refused(client):
    client.set_cookie("results_read_token", "wrong-token-000000000", path="/ui")
    assert client.get("/ui/", headers={**NO_TOKEN, **CURL}).status_code == 401


def test_login_form_sets_the_cookie_and_goes_to_next(client, read_token, write_token):
    resp = client.get("/ui/login?next=/ui/groups", headers=NO_TOKEN)
    assert resp.status_code == 200 and 'value="/ui/groups"' in html(resp)
    resp = client.post("/ui/login", data={"token": "wrong-token-000000000", "next": "/ui/groups"}, headers=NO_TOKEN)
    assert resp.status_code == 401 and "invalid bearer token" in html(resp) and "Set-Cookie" not in resp.headers
    resp = client.post("/ui/login", data={"token": write_token, "next": "/ui/groups"}, headers=NO_TOKEN)
    assert resp.status_code == 403 and "Set-Cookie" not in resp.headers
    resp = client.post("/ui/login", data={"token": "", "next": "/ui/groups"}, headers=NO_TOKEN)
    assert resp.status_code == 401
    resp = client.post("/ui/login", data={"token": read_token, "next": "/ui/groups"}, headers=NO_TOKEN)
    assert resp.status_code == 303 and resp.headers["Location"] == "/ui/groups"
    assert "HttpOnly" in resp.headers["Set-Cookie"] and "SameSite=Strict" in resp.headers["Set-Cookie"]
    assert client.get("/ui/groups", headers={**NO_TOKEN, **BROWSER}).status_code == 200
    resp = client.post("/ui/logout", headers=NO_TOKEN)
    assert resp.status_code == 303 and client.get("/ui/", headers={**NO_TOKEN, **CURL}).status_code == 401


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/ui/", "/ui/\\evil", "/results", None])
def test_login_never_sends_the_browser_elsewhere(client, read_token, target):
    data = {"token": read_token, **({"next": target} if target else {})}
    resp = client.post("/ui/login", data=data, headers=NO_TOKEN)
    assert resp.status_code == 303 and resp.headers["Location"] == "/ui/"


def test_public_read_needs_no_token_and_drops_a_url_token(ddb, make_client, read_token):
    client = make_client(public_read=True)
    assert client.get("/ui/", headers={**NO_TOKEN, **CURL}).status_code == 200
    resp = client.get(f"/ui/?token={read_token}", headers=NO_TOKEN)
    assert resp.status_code == 303 and resp.headers["Location"] == "/ui/" and "Set-Cookie" not in resp.headers


def test_the_url_token_never_reaches_the_logs(client, read_token, caplog):
    client.get(f"/ui/?token={read_token}", headers=NO_TOKEN)
    client.get("/ui/?token=wrong-token-000000000", headers=NO_TOKEN)
    client.post("/ui/login", data={"token": "other-wrong-token-0000"}, headers=NO_TOKEN)
    text = caplog.text + "".join(str(r.__dict__) for r in caplog.records)
    assert caplog.records and read_token not in text and "wrong-token" not in text


# --- the chart --------------------------------------------------------------------------------------------------

T0 = datetime(2026, 11, 27, 10, 0, tzinfo=timezone.utc)


def parse(svg: str):
    root = ET.fromstring(svg)
    bars = root.findall(f"{SVG}rect")
    return root, bars, [bar.find(f"{SVG}title").text for bar in bars]


def test_chart_sums_points_per_bucket_with_heights_in_proportion():
    points = [(T0, 2), (T0 + timedelta(seconds=30), 3), (T0 + timedelta(minutes=10), 10)]
    root, bars, titles = parse(svg_chart.bar_chart(points, width=600, height=200, max_bars=20))
    assert root.tag == f"{SVG}svg" and root.get("width") == "600"
    assert titles == ["2026-11-27 10:00 – 2026-11-27 10:01 UTC · events: 5",
                      "2026-11-27 10:10 – 2026-11-27 10:11 UTC · events: 10"]
    heights = [float(b.get("height")) for b in bars]
    assert heights[1] == pytest.approx(2 * heights[0])
    assert float(bars[0].get("x")) < float(bars[1].get("x"))
    labels = [t.text for t in root.findall(f"{SVG}text")]
    assert "10" in labels and "0" in labels and "2026-11-27 10:00" in labels and "1 min per bar" in labels


def test_chart_bucket_width_grows_with_the_span():
    assert svg_chart.bucket_width(T0, T0 + timedelta(minutes=30), 48) == timedelta(minutes=1)
    assert svg_chart.bucket_width(T0, T0 + timedelta(hours=10), 48) == timedelta(minutes=15)
    assert svg_chart.bucket_width(T0, T0 + timedelta(days=20), 48) == timedelta(hours=12)
    assert svg_chart.bucket_width(T0, T0 + timedelta(days=30), 48) == timedelta(days=1)
    assert svg_chart.bucket_width(T0, T0 + timedelta(days=9000), 48) == svg_chart.STEPS[-1]
    _, bars, titles = parse(svg_chart.bar_chart([(T0, 1), (T0 + timedelta(days=30), 1)], max_bars=48))
    assert len(bars) == 2 and titles[0] == "2026-11-27 – 2026-11-28 UTC · events: 1"


def test_chart_takes_any_timezone_and_shows_utc():
    moment = datetime(2026, 11, 27, 12, 0, tzinfo=timezone(timedelta(hours=2)))
    _, _, titles = parse(svg_chart.bar_chart([(moment, 4)]))
    assert titles == ["2026-11-27 10:00 – 2026-11-27 10:01 UTC · events: 4"]


def test_chart_without_events_says_so():
    for points in ([], [(T0, 0)]):
        root, bars, _ = parse(svg_chart.bar_chart(points))
        assert bars == [] and "no events" in "".join(root.itertext())


def test_chart_escapes_its_label():
    root, _, titles = parse(svg_chart.bar_chart([(T0, 1)], label=EVIL))
    assert titles == [f"2026-11-27 10:00 – 2026-11-27 10:01 UTC · {EVIL}: 1"]   # text, not markup
    assert "<script" not in svg_chart.bar_chart([(T0, 1)], label=EVIL)


class Unreachable:
    """A DynamoDB client whose every call fails as when the endpoint cannot be reached."""

    def __getattr__(self, name):
        def fail(**kwargs):
            raise EndpointConnectionError(endpoint_url="http://dynamodb.invalid")
        return fail


def test_an_unreachable_store_is_a_503_page(client):
    client.application.extensions["storage"]._clients["dynamodb"] = Unreachable()
    for url in ("/ui/", "/ui/results/0123456789abcdef0123456789abcdef", "/ui/groups", "/ui/groups/g1"):
        resp = client.get(url)
        assert resp.status_code == 503 and resp.headers["Retry-After"] == "5", url
        assert "Storage unavailable" in html(resp)


def test_groups_page_other_run_pages_are_full(client, post, make_result):
    """The others' run asks storage for groups first seen before the new window: no empty pages in between."""
    old_and_new_groups(client, post, make_result, old=3, new=6)
    pages = [ids(page, "/ui/groups/") for _, page in follow_pages(client, "/ui/groups?limit=2")]
    assert pages == [["n5", "n4"], ["n3", "n2"], ["n1", "n0"], ["o2", "o1"], ["o0"]]
