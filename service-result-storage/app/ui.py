"""The web view under /ui/: read-only HTML pages rendered on the server (Jinja, no JavaScript) from the ResultStore.

Pages (GET):
  /ui/                  results newest first; filters ``prefix`` (key prefix), ``min_level`` (FATAL|ERROR|WARN),
                        ``since`` (a window of WINDOWS: stored that recently), ``limit`` (1..MAX_LIMIT), ``cursor``
  /ui/results/<id>      one result: the object and its groups
  /ui/groups            groups first seen within ``new`` (a window, default 24h) first, then the others most
                        recently seen first (paged by ``cursor``); filters ``min_level``, ``since`` (last seen)
  /ui/groups/<id>       one group: its objects and its events over time (an inline SVG chart, app/svg_chart.py)
  /ui/login             the token form (GET shows it; POST takes ``token`` and ``next``); POST /ui/logout forgets it

Credentials (README "Web view"): the read token as ``Authorization: Bearer``, or the COOKIE this view sets when
it is given the token once as ``?token=`` (answered 303 to the same URL without it) or through /ui/login. A
missing or wrong token: 401, as JSON unless the client prefers text/html (a browser), which gets the login form;
another role's token: 403. Bad filter values: 400; an unknown id or cursor: 404; DynamoDB unavailable: 503; all as
HTML pages.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone
from urllib.parse import urlencode

from flask import Blueprint, Response, redirect, render_template, request, url_for
from markupsafe import Markup
from service_kit.auth import check, is_public, set_token_cookie

from .dynamodb_handler import LEVEL_ATTRIBUTES, BadCursor, StoreUnavailable
from .main import get_state
from .svg_chart import bar_chart

log = logging.getLogger(__name__)
bp = Blueprint("ui", __name__, url_prefix="/ui", template_folder="templates")

COOKIE = "results_read_token"
PAGE_SIZE, MAX_LIMIT = 25, 200
GROUP_RESULTS = 100   # objects listed (and charted) on a group page
MAX_ID = 128          # longer result ids name nothing: answered 404 without asking DynamoDB
WINDOWS = {"1h": timedelta(hours=1), "24h": timedelta(hours=24), "7d": timedelta(days=7),
           "30d": timedelta(days=30)}
LEVELS = tuple(LEVEL_ATTRIBUTES)  # FATAL, ERROR, WARN: most severe first
LEVEL_OPTIONS = [(name, name if name == "FATAL" else f"{name} or worse") for name in LEVELS]
WINDOW_OPTIONS = [("1h", "last hour"), ("24h", "last 24 h"), ("7d", "last 7 days"), ("30d", "last 30 days")]
# No script runs here and nothing is embedded elsewhere; the inline <style> of base.html is the one exception.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
                               "frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


class BadQuery(ValueError):
    """A filter value the page cannot use; its message is shown."""


# --- credentials ------------------------------------------------------------------------------------------------

def _wants_html() -> bool:
    """A browser: text/html is preferred to JSON (curl's */* prefers neither, and gets JSON)."""
    return request.accept_mimetypes.best_match(["application/json", "text/html"]) == "text/html"


def _refusal(refused: Response, next_url: str):
    """The 401/403 JSON refusal, or for a browser the login form with that status (and the same challenge)."""
    if not _wants_html():
        return refused
    body = render_template("ui/login.html", message=refused.get_json()["error"], next_url=next_url)
    return body, refused.status_code, {"WWW-Authenticate": refused.headers.get("WWW-Authenticate", "")}


def _url_without_token() -> str:
    rest = [(k, v) for k, v in request.args.items(multi=True) if k != "token"]
    return request.path + (f"?{urlencode(rest)}" if rest else "")


def _safe_next(target: str | None) -> str:
    """Where the login form may send the browser: a page of this view, never another site."""
    if target and target.startswith("/ui/") and "//" not in target and "\\" not in target:
        return target
    return url_for("ui.results")


@bp.before_request
def authenticate():
    if request.endpoint in ("ui.login", "ui.logout"):
        return None
    if "token" in request.args:  # Jupyter-style: taken once, kept in the cookie, dropped from the URL
        target = _url_without_token()
        token = request.args["token"]
        refused = check("read", token=token)
        if refused is not None:
            return _refusal(refused, target)
        response = redirect(target, 303)
        return response if is_public("read") else set_token_cookie(response, COOKIE, token, path="/ui")
    refused = check("read", cookie=COOKIE)
    return None if refused is None else _refusal(refused, _url_without_token())


@bp.after_request
def security_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


@bp.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "GET":
        return render_template("ui/login.html", message=None, next_url=_safe_next(request.args.get("next")))
    target = _safe_next(request.form.get("next"))
    token = request.form.get("token", "").strip()
    refused = check("read", token=token)
    if refused is not None:
        message = refused.get_json()["error"]
        return render_template("ui/login.html", message=message, next_url=target), refused.status_code
    response = redirect(target, 303)
    return response if is_public("read") else set_token_cookie(response, COOKIE, token, path="/ui")


@bp.post("/logout")
def logout():
    response = redirect(url_for("ui.login"), 303)
    response.delete_cookie(COOKIE, path="/ui", httponly=True, samesite="Strict")
    return response


# --- pages ------------------------------------------------------------------------------------------------------

def _page(template: str, status: int = 200, **context):
    return render_template(f"ui/{template}", level_options=LEVEL_OPTIONS, window_options=WINDOW_OPTIONS,
                           **context), status


def _error_page(status: int, title: str, message: str):
    return _page("error.html", status, title=title, message=message)


@bp.errorhandler(BadQuery)
def bad_query(exc: BadQuery):
    return _error_page(400, "Bad request", str(exc))


@bp.errorhandler(BadCursor)
def bad_cursor(exc: BadCursor):
    return _error_page(404, "No such page", "this page's cursor is not one this listing gave")


@bp.errorhandler(StoreUnavailable)
def unavailable(exc: StoreUnavailable):
    log.warning("dynamodb unavailable", extra={"reason": str(exc), "path": request.path})
    get_state().metrics.inc("unavailable")
    page, status = _error_page(503, "Storage unavailable", "the results store cannot be read now; try again")
    return page, status, {"Retry-After": "5"}


def _level(name: str) -> str | None:
    value = request.args.get(name, "").upper()
    if value and value not in LEVELS:
        raise BadQuery(f"{name} must be one of {', '.join(LEVELS)}")
    return value or None


def _window(name: str, default: str = "") -> tuple[str, datetime | None]:
    """(the window's name, the moment it starts) for a WINDOWS name; ("", None) for none."""
    value = request.args.get(name, default)
    if not value:
        return "", None
    if value not in WINDOWS:
        raise BadQuery(f"{name} must be one of {', '.join(WINDOWS)}")
    return value, get_state().clock() - WINDOWS[value]


def _limit() -> int:
    value = request.args.get("limit", str(PAGE_SIZE))
    if not (value.isascii() and value.isdigit() and 1 <= int(value) <= MAX_LIMIT):
        raise BadQuery(f"limit must be an integer from 1 to {MAX_LIMIT}")
    return int(value)


def _next_page(cursor: str | None) -> str | None:
    """This page's URL with ``cursor`` in place of its own; None at the end of the listing."""
    if not cursor:
        return None
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "cursor"] + [("cursor", cursor)]
    return f"{request.path}?{urlencode(args)}"


@bp.get("/")
def results():
    prefix = request.args.get("prefix", "")
    min_level, (since_name, since), limit = _level("min_level"), _window("since"), _limit()
    cursor = request.args.get("cursor") or None
    items, next_cursor = get_state().store().list(limit, cursor, prefix or None, since, min_level)
    return _page("results.html", items=items, next_page=_next_page(next_cursor), paged=cursor is not None,
                 filters={"prefix": prefix, "min_level": min_level or "", "since": since_name})


@bp.get("/results/<rid>")
def result(rid: str):
    found = get_state().store().get(rid) if len(rid) <= MAX_ID else None
    if found is None:
        return _error_page(404, "Result not found", f"no result with id {rid}")
    return _page("result.html", result=found)


@bp.get("/groups")
def groups():
    """Groups first seen in the ``new`` window (default 24 h) first, then the others, each most recently seen
    first. One listing in two runs: the cursor says which run a page continues (``n:`` new, ``o:`` others) and
    where; a page that ends the new run is filled up from the others'."""
    min_level, (since_name, since), limit = _level("min_level"), _window("since"), _limit()
    new_name, new_since = _window("new", "24h")
    cursor = request.args.get("cursor") or ""
    run, _, position = cursor.partition(":") if cursor else ("n" if new_since is not None else "o", "", "")
    if run not in ("n", "o") or (run == "n" and new_since is None):
        raise BadCursor("not a cursor of this listing")
    store = get_state().store()
    fresh, rest, next_cursor = [], [], None
    if run == "n":
        fresh, after = store.list_groups(limit=limit, cursor=position or None, since=since, min_level=min_level,
                                         new_since=new_since)
        if after:
            next_cursor = f"n:{after}"
        else:
            run, position = "o", ""
    if run == "o" and len(fresh) < limit:
        rest, after = store.list_groups(limit=limit - len(fresh), cursor=position or None, since=since,
                                        min_level=min_level, seen_first_by=new_since)   # the new ones had their run
        next_cursor = f"o:{after}" if after else None
    elif run == "o":
        next_cursor = "o:"
    return _page("groups.html", fresh=fresh, rest=rest, next_page=_next_page(next_cursor), paged=bool(cursor),
                 new_run=cursor == "" or cursor.startswith("n:"),
                 filters={"min_level": min_level or "", "since": since_name, "new": new_name})


def _moment(text: str | None) -> datetime | None:
    """An ISO 8601 time (with an offset, or "Z") as an aware UTC datetime; None for none or anything else."""
    try:
        moment = datetime.fromisoformat(text) if text else None
    except (TypeError, ValueError):
        return None
    return moment.astimezone(timezone.utc) if moment is not None and moment.tzinfo is not None else None


@bp.get("/groups/<gid>")
def group(gid: str):
    found = get_state().store().get_group(gid, results_limit=GROUP_RESULTS)   # (which refuses ids no group has)
    if found is None:
        return _error_page(404, "Group not found", f"no group with id {gid}")
    points = []
    for item in found.get("results", []):  # each result's events at its first event time, else when stored
        moment = _moment(item.get("first_time")) or _moment(item.get("stored_at"))
        if moment is not None:
            points.append((moment, int(item.get("count") or 0)))
    chart = Markup(bar_chart(points))  # bar_chart escapes every text it writes
    return _page("group.html", group=found, chart=chart)


# --- formatting -------------------------------------------------------------------------------------------------

@bp.app_template_filter("when")
def when(text: str | None) -> str:
    """An ISO 8601 time as "YYYY-MM-DD HH:MM:SS" (UTC); "—" for none; anything unparsable as it is."""
    moment = _moment(text)
    if moment is None:
        return text or "—"
    return moment.strftime("%Y-%m-%d %H:%M:%S")


@bp.app_template_filter("size")
def size(value: int | None) -> str:
    """Bytes, humanly: "812 B", "4.0 KiB", "2.5 MiB"; "—" for none."""
    if value is None:
        return "—"
    amount = float(value)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if amount < 1024 or unit == "GiB":
            return f"{int(amount)} B" if unit == "B" else f"{amount:.1f} {unit}"
        amount /= 1024
    return str(value)
