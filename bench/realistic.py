"""A realistic benchmark log: many formats mixed, ~16% WARN/ERROR/FATAL records, fresh values on every line.

Issue 13 ("Extractor speed"), step 1. ``generate_realistic(path, megabytes, seed)`` streams a log of about
``megabytes`` MiB to ``path`` and returns its ground truth, known by construction:

    {"lines": N, "events": {"FATAL": a, "ERROR": b, "WARN": c}, "stack_traces": k, ...}

How it was written
------------------
Independently of the extractor's parsing code (not read): every line shape below comes from a format's own
documentation or from the shape of real lines those programs print, and the severity classes from
/work/shared/CONTRACTS.md ("Severity classes"): the class of a record is the one of its own level field; a record
spanning several lines (header + stack trace, .NET's indented message, PostgreSQL's DETAIL/STATEMENT lines, a goroutine
dump) is one event at its first line; envelopes (Docker json-file, CRI, syslog, journald) wrap each physical line and
are counted once; INFO/DEBUG/NOTICE/LOG lines are never events, whatever their text says (some say "error",
"failed", "WARN" on purpose).

Formats (record shares are the ``weight`` column of ``SOURCES``):
  log4j2 plain (Java headers, stack traces with ``Caused by:`` and ``... N more``, ANSI ``%highlight`` on ~4% of
  lines), Spring Boot 3 logback in Docker json-file (every trace line its own JSON entry), Python logging with
  tracebacks, Flask/gunicorn in Docker (tracebacks, bare uncaught tracebacks), Go logrus text, Go zap JSON in CRI
  (``stacktrace`` field, ``panic:``/``fatal error:`` with goroutine dumps), klog in CRI, go-kit logfmt in CRI
  (``level=`` after other keys), pino JSON in CRI (numeric levels, long lines split into ``P`` chunks + ``F``),
  .NET console logger in CRI (``warn: Category[id]`` + indented message), nginx error (+ access) log in Docker,
  Apache 2.4 error log (CRLF line ends), bunyan JSON, Serilog CLEF JSON (``@l``, omitted for Information),
  RFC 5424 syslog, RFC 3164 syslog, journald JSON export, PostgreSQL (``LOG:``/``WARNING:``/``ERROR:`` + ``DETAIL:``/
  ``STATEMENT:`` lines), Redis (``#`` = warning), MongoDB structured JSON (``"s":"W"``).

Values: a seeded ``random.Random`` renders every line's variable parts (timestamps advancing, ids, IPs, ports, user
names, paths, hex ids, UUIDs, durations) through templates compiled once into f-string lambdas; there is no pool of
pre-rendered lines. Stack frames are the fixed frames real frameworks print (as in real logs, they repeat); the
exception messages inside traces carry fresh values. A few lines carry invalid UTF-8 (Latin-1 file names) in plain
text formats; JSON lines are always valid JSON (Docker/journald/pino... never carry invalid bytes).

Speed: templates are compiled to f-string lambdas, the per-second parts of timestamps are cached, records are
rendered in batches of ``BATCH`` and written as one encoded chunk. Memory is bounded by one batch.
"""
from __future__ import annotations

import base64
import json
import string
import sys
import time
from bisect import bisect
from pathlib import Path
from random import Random

BATCH = 4000                    # records rendered per write
CRI_MAX = 16384                 # containerd splits container lines longer than this into P chunks
START_EPOCH = 1795737600        # 2026-11-27T00:00:00Z (+ 8 h below)
EVENT_SHARES = {"FATAL": 0.0022, "ERROR": 0.032, "WARN": 0.128}   # per record; INFO/DEBUG noise is the rest
MENTION_SHARE = 0.07            # of noise records: INFO text that says error/failed/warning
DEBUG_SHARE = 0.14              # of noise records
LATIN_SHARE = 0.0012            # of noise records of formats that may carry raw bytes: a Latin-1 file name

_jstr = json.encoder.encode_basestring     # JSON string literal (C implementation), non-ASCII kept as UTF-8

# --------------------------------------------------------------------------------------------------------------
# Word lists (values are combined per line; lists only give the vocabulary)
# --------------------------------------------------------------------------------------------------------------
_SYL = ["ka", "mi", "to", "ra", "ne", "lu", "si", "do", "ve", "an", "el", "or", "ju", "ben", "mar", "tin",
        "li", "sa", "ro", "ha", "yu", "ke", "na", "pe", "zo", "ta", "ri", "mo", "da", "gu", "fe", "bo"]
_NONASCII_USERS = ["josé", "zoë", "björn", "łukasz", "søren", "françois", "jürgen", "şükrü", "ольга", "nguyễn",
                   "渡辺", "maría"]
_SVCS = ["orders", "billing", "catalog", "search", "cart", "users", "auth", "invoices", "shipping", "reports",
         "inventory", "payments", "notify", "media", "export", "ledger", "pricing", "reviews", "sessions", "gateway",
         "checkout", "accounts", "tracking", "fraud"]
_TABLES = ["orders", "order_items", "invoices", "payments", "users", "sessions", "inventory", "shipments", "accounts",
           "ledger_entries", "carts", "coupons", "audit_log", "webhooks", "refunds"]
_COLS = ["customer_id", "email", "created_at", "status", "total_cents", "sku", "account_id", "currency"]
_DBS = ["orders", "billing", "shop", "ledger", "analytics", "auth", "inventory"]
_NS = ["default", "prod", "staging", "payments", "kube-system", "monitoring", "ingress-nginx", "data"]
_METHODS = ["GET", "GET", "GET", "POST", "POST", "PUT", "DELETE", "PATCH"]
_ST4 = [400, 401, 403, 404, 404, 409, 422, 429]
_ST5 = [500, 500, 502, 503, 504]
_CUR = ["EUR", "USD", "GBP", "CHF", "SEK"]
_CARRIERS = ["DHL", "UPS", "FedEx", "GLS", "PostNL", "DPD"]
_DECLINE = ["card_declined", "insufficient_funds", "expired_card", "do_not_honor", "fraudulent", "processing_error"]
_DOMAINS = ["example.com", "mail.acme.io", "gmail.com", "corp.example.org", "outlook.com", "web.de"]
_UA = ["Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0", "curl/8.4.0", "okhttp/4.12.0",
       "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
       "python-requests/2.31.0", "Go-http-client/1.1", "kube-probe/1.28", "Prometheus/2.48.0"]
_EXT = ["json", "csv", "csv.gz", "parquet", "jsonl", "pdf", "png", "tar.gz", "xml"]
_POD = "bcdfghjklmnpqrstvwxz2456789"
_POD2 = [a + b for a in _POD for b in _POD]
_MON = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
_DOW = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


class _Clock:
    """The current record's time: per-second strings cached, the sub-second part per record."""
    __slots__ = ("t", "sec", "us", "space", "iso", "slash", "klog", "b3164", "apache", "year", "redis", "clf")

    def __init__(self, t_us: int):
        self.t = t_us
        self.sec = -1
        self.us = 0
        self.set(t_us)

    def set(self, t_us: int) -> None:
        self.t = t_us
        sec, self.us = divmod(t_us, 1_000_000)
        if sec != self.sec:
            self.sec = sec
            tm = time.gmtime(sec)
            hms = "%02d:%02d:%02d" % (tm.tm_hour, tm.tm_min, tm.tm_sec)
            mon = _MON[tm.tm_mon - 1]
            self.space = "%04d-%02d-%02d %s" % (tm.tm_year, tm.tm_mon, tm.tm_mday, hms)
            self.iso = "%04d-%02d-%02dT%s" % (tm.tm_year, tm.tm_mon, tm.tm_mday, hms)
            self.slash = "%04d/%02d/%02d %s" % (tm.tm_year, tm.tm_mon, tm.tm_mday, hms)
            self.klog = "%02d%02d %s" % (tm.tm_mon, tm.tm_mday, hms)
            self.b3164 = "%s %2d %s" % (mon, tm.tm_mday, hms)
            self.apache = "%s %s %02d %s" % (_DOW[tm.tm_wday], mon, tm.tm_mday, hms)
            self.year = "%04d" % tm.tm_year
            self.redis = "%02d %s %04d %s" % (tm.tm_mday, mon, tm.tm_year, hms)
            self.clf = "%02d/%s/%04d:%s" % (tm.tm_mday, mon, tm.tm_year, hms)


# --------------------------------------------------------------------------------------------------------------
# Value generators and the template compiler
# --------------------------------------------------------------------------------------------------------------
def _values(rng: Random) -> dict:
    """Functions returning a fresh random value each call; template fields name them."""
    rnd = rng.random
    bits = rng.getrandbits

    def r(k):
        return int(rnd() * k)

    def pk(seq):
        return seq[int(rnd() * len(seq))]

    def n(): return r(99999) + 1
    def oid(): return r(90_000_000) + 10_000_000
    def big(): return r(9_000_000_000) + 1_000_000_000
    def s(): return r(9) + 1
    def k(): return r(64) + 1
    def part(): return r(24)
    def off(): return r(500_000_000)
    def pid(): return r(4_000_000) + 100
    def ms():
        x = rnd()
        return int(x * x * x * 30000) + 1
    def sec(): return r(120) + 1
    def pct(): return r(50) + 50
    def flt(): return "%.3f" % (rnd() * rnd() * 100)
    def size(): return r(50_000_000) + 1
    def kb(): return r(100_000) + 1
    def amount(): return "%d.%02d" % (r(2000), r(100))
    def card(): return "%04d" % r(10000)
    def cur(): return pk(_CUR)
    def code(): return pk(_DECLINE)
    def carrier(): return pk(_CARRIERS)
    def wh(): return "WH-%02d" % (r(40) + 1)
    def sku(): return "SKU-%05d" % r(100000)
    def method(): return pk(_METHODS)
    def status4(): return pk(_ST4)
    def status5(): return pk(_ST5)
    def ua(): return pk(_UA)
    def svc(): return pk(_SVCS)
    def Svc(): return pk(_SVCS).capitalize()
    def table(): return pk(_TABLES)
    def col(): return pk(_COLS)
    def db(): return pk(_DBS)
    def ns(): return pk(_NS)
    def topic(): return pk(_SVCS) + pk([".events", ".commands", "-dlq", ".changes"])
    def hex8(): return "%08x" % bits(32)
    def hex12(): return "%012x" % bits(48)
    def hex16(): return "%016x" % bits(64)
    def HEX(): return "%012X" % bits(48)
    def trace(): return "%032x" % bits(128)
    def sha(): return "%040x" % bits(160)
    def gp(): return "0xc000%06x" % bits(24)
    def acct(): return "%012d" % r(10 ** 12)
    def ulid(): return "01H%023X" % bits(92)

    def uuid():
        h = "%032x" % bits(128)
        return "%s-%s-4%s-%s%s-%s" % (h[:8], h[8:12], h[13:16], "89ab"[bits(2)], h[17:20], h[20:])

    def ip():
        x = rnd()
        if x < 0.55:
            return "10.%d.%d.%d" % (bits(8), bits(8), r(254) + 1)
        if x < 0.7:
            return "172.%d.%d.%d" % (16 + bits(4), bits(8), r(254) + 1)
        if x < 0.8:
            return "192.168.%d.%d" % (bits(8), r(254) + 1)
        return "%d.%d.%d.%d" % (r(212) + 11, bits(8), bits(8), r(254) + 1)

    def port(): return r(64511) + 1024

    def user():
        if rnd() < 0.03:
            return pk(_NONASCII_USERS) + str(r(100))
        u = _SYL[bits(5)] + _SYL[bits(5)]
        x = rnd()
        return u + _SYL[bits(5)] if x < 0.5 else (u + str(r(1000)) if x < 0.8 else u)

    def email(): return "%s%s@%s" % (user(), r(100), pk(_DOMAINS))

    def pod():
        p = _POD2
        return "%s-%s%s%s%s-%s%s%s" % (pk(_SVCS), p[r(729)], p[r(729)], p[r(729)], p[r(729)], p[r(729)],
                                       p[r(729)], _POD[r(27)])

    def node():
        if rnd() < 0.5:
            return "ip-10-%d-%d-%d.eu-west-1.compute.internal" % (bits(8), bits(8), r(254) + 1)
        return "gke-prod-pool-%d-%08x-%s%s" % (r(4) + 1, bits(32), _POD2[r(729)], _POD2[r(729)])

    def host():
        x = rnd()
        if x < 0.35:
            return "%s-%02d" % (pk(["web", "app", "db", "worker", "cache", "api"]), r(60) + 1)
        if x < 0.6:
            return "%s-%s.%s.svc.cluster.local" % (pk(_SVCS), pk(["api", "svc", "grpc"]), pk(_NS))
        if x < 0.8:
            return "ip-10-%d-%d-%d" % (bits(8), bits(8), r(254) + 1)
        return "%s-%d.%s" % (pk(_SVCS), r(9) + 1, pk(["prod.acme.io", "eu-west-1.example.net", "int.acme.io"]))

    def path():
        x = rnd()
        w = pk(_SVCS)
        if x < 0.35:
            return "/api/v1/%s/%d" % (w, r(10 ** 7))
        if x < 0.55:
            return "/api/v2/%s?page=%d&limit=%d" % (w, r(300) + 1, pk([10, 20, 50, 100]))
        if x < 0.75:
            return "/api/v1/%s/%s/items/%d" % (w, uuid(), r(500))
        if x < 0.9:
            return "/%s/%d/%s" % (w, r(10 ** 6), pk(["edit", "view", "download", "status"]))
        return "/v1/%s/%s" % (w, "%010x" % bits(40))

    def file():
        x = rnd()
        if x < 0.3:
            return "/srv/data/%s/%s-%d.%s" % (pk(_SVCS), pk(_SVCS), r(10 ** 6), pk(_EXT))
        if x < 0.55:
            return "/var/lib/%s/%04d/%02d/%s.%s" % (pk(_SVCS), 2020 + r(7), r(12) + 1, "%08x" % bits(32), pk(_EXT))
        if x < 0.75:
            return "./exports/%s-%s/report-%d.%s" % (pk(_SVCS), user(), r(10 ** 5), pk(_EXT))
        return "/tmp/%s-%s/part-%05d.%s" % (pk(_SVCS), "%06x" % bits(24), r(10 ** 5), pk(_EXT))

    def bucket(): return "acme-%s-%s" % (pk(_SVCS), pk(["prod", "exports", "archive", "eu-west-1"]))

    def key():
        return "%s/%04d/%02d/%02d/%s.%s" % (pk(_SVCS), 2024 + r(3), r(12) + 1, r(28) + 1, "%012x" % bits(48), pk(_EXT))

    def dur():
        x = rnd()
        if x < 0.4:
            return "%d.%06dms" % (r(999), r(10 ** 6))
        if x < 0.8:
            return "%d.%09ds" % (r(60), r(10 ** 9))
        return "%dm%d.%03ds" % (r(10) + 1, r(60), r(1000))

    def b64(): return base64.b64encode(bits(256).to_bytes(32, "big")).decode().rstrip("=")

    def latin():
        """A file name as raw Latin-1 bytes (invalid UTF-8), carried as surrogate escapes until encoding."""
        return "%s-%d.%s" % (pk(["r\udce9sum\udce9", "Pr\udcfcfung", "se\udcf1or", "fa\udce7ade", "\udcc5rsrapport",
                                 "na\udcefve", "M\udcfcller"]), r(10000), pk(["pdf", "txt", "csv", "doc"]))

    def latinuser():
        return pk(["j\udcf6rg", "m\udcfcller", "jos\udce9", "fran\udce7ois", "s\udcf8ren", "ma\udcefa"]) + str(r(100))

    return {name: fn for name, fn in locals().items() if callable(fn) and name not in ("r", "pk")}


class _Compiler:
    def __init__(self, ns: dict):
        self.ns = ns
        self.count = 0          # message templates (pool entries) with at least one variable part
        self.fields = 0         # variable parts of the last compiled template

    def __call__(self, tpl: str):
        """Compile ``tpl`` (str.format syntax; fields name value generators) into a fresh-value lambda."""
        out = []
        fields = 0
        for lit, field, spec, conv in string.Formatter().parse(tpl):
            if lit:
                out.append(lit.replace("{", "{{").replace("}", "}}"))
            if field is not None:
                if field not in self.ns:
                    raise KeyError(f"unknown field {field!r} in template {tpl!r}")
                fields += 1
                out.append("{" + field + "()" + (("!" + conv) if conv else "") + ((":" + spec) if spec else "") + "}")
        self.fields = fields
        return eval("lambda: f" + repr("".join(out)), self.ns)  # noqa: S307 - our own templates

    def pools(self, spec: dict, sep: str | None = None) -> dict:
        """{level key: [template, ...]} -> {level key: [compiled, ...]}; with ``sep``, each template is split into
        parts and every part is compiled (a tuple of lambdas)."""
        res = {}
        for key, items in spec.items():
            res[key] = []
            for t in items:
                if sep is None:
                    res[key].append(self(t))
                    variable = self.fields
                else:
                    compiled = []
                    variable = 0
                    for p in t.split(sep):
                        compiled.append(self(p))
                        variable += self.fields
                    res[key].append(tuple(compiled))
                self.count += variable > 0
        return res


# --------------------------------------------------------------------------------------------------------------
# Stack traces (fixed frames as frameworks print them; exception messages with fresh values)
# --------------------------------------------------------------------------------------------------------------
_J_WEB = """org.springframework.web.method.support.InvocableHandlerMethod.doInvoke(InvocableHandlerMethod.java:255)
org.springframework.web.method.support.InvocableHandlerMethod.invokeForRequest(InvocableHandlerMethod.java:188)
org.springframework.web.servlet.mvc.method.annotation.ServletInvocableHandlerMethod.invokeAndHandle(ServletInvocableHandlerMethod.java:118)
org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter.invokeHandlerMethod(RequestMappingHandlerAdapter.java:926)
org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter.handleInternal(RequestMappingHandlerAdapter.java:831)
org.springframework.web.servlet.mvc.method.AbstractHandlerMethodAdapter.handle(AbstractHandlerMethodAdapter.java:87)
org.springframework.web.servlet.DispatcherServlet.doDispatch(DispatcherServlet.java:1089)
org.springframework.web.servlet.DispatcherServlet.doService(DispatcherServlet.java:979)
org.springframework.web.servlet.FrameworkServlet.processRequest(FrameworkServlet.java:1014)
org.springframework.web.servlet.FrameworkServlet.doPost(FrameworkServlet.java:914)
jakarta.servlet.http.HttpServlet.service(HttpServlet.java:590)
org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:885)
jakarta.servlet.http.HttpServlet.service(HttpServlet.java:658)
org.apache.catalina.core.ApplicationFilterChain.internalDoFilter(ApplicationFilterChain.java:205)
org.apache.catalina.core.ApplicationFilterChain.doFilter(ApplicationFilterChain.java:149)
org.apache.tomcat.websocket.server.WsFilter.doFilter(WsFilter.java:51)
org.apache.catalina.core.ApplicationFilterChain.internalDoFilter(ApplicationFilterChain.java:174)
org.apache.catalina.core.ApplicationFilterChain.doFilter(ApplicationFilterChain.java:149)
org.springframework.web.filter.RequestContextFilter.doFilterInternal(RequestContextFilter.java:100)
org.springframework.web.filter.OncePerRequestFilter.doFilter(OncePerRequestFilter.java:116)
org.apache.catalina.core.ApplicationFilterChain.internalDoFilter(ApplicationFilterChain.java:174)
org.apache.catalina.core.ApplicationFilterChain.doFilter(ApplicationFilterChain.java:149)
org.springframework.web.filter.CharacterEncodingFilter.doFilterInternal(CharacterEncodingFilter.java:201)
org.springframework.web.filter.OncePerRequestFilter.doFilter(OncePerRequestFilter.java:116)
org.apache.catalina.core.ApplicationFilterChain.internalDoFilter(ApplicationFilterChain.java:174)
org.apache.catalina.core.ApplicationFilterChain.doFilter(ApplicationFilterChain.java:149)
org.apache.catalina.core.StandardWrapperValve.invoke(StandardWrapperValve.java:167)
org.apache.catalina.core.StandardContextValve.invoke(StandardContextValve.java:90)
org.apache.catalina.authenticator.AuthenticatorBase.invoke(AuthenticatorBase.java:482)
org.apache.catalina.core.StandardHostValve.invoke(StandardHostValve.java:115)
org.apache.catalina.valves.ErrorReportValve.invoke(ErrorReportValve.java:93)
org.apache.catalina.core.StandardEngineValve.invoke(StandardEngineValve.java:74)
org.apache.catalina.connector.CoyoteAdapter.service(CoyoteAdapter.java:344)
org.apache.coyote.http11.Http11Processor.service(Http11Processor.java:391)
org.apache.coyote.AbstractProcessorLight.process(AbstractProcessorLight.java:63)
org.apache.coyote.AbstractProtocol$ConnectionHandler.process(AbstractProtocol.java:896)
org.apache.tomcat.util.net.NioEndpoint$SocketProcessor.doRun(NioEndpoint.java:1744)
org.apache.tomcat.util.net.SocketProcessorBase.run(SocketProcessorBase.java:52)
org.apache.tomcat.util.threads.ThreadPoolExecutor.runWorker(ThreadPoolExecutor.java:1191)
org.apache.tomcat.util.threads.ThreadPoolExecutor$Worker.run(ThreadPoolExecutor.java:659)
org.apache.tomcat.util.threads.TaskThread$WrappingRunnable.run(TaskThread.java:61)
java.base/java.lang.Thread.run(Thread.java:1583)"""
_J_KAFKA = """org.springframework.kafka.listener.adapter.MessagingMessageListenerAdapter.invokeHandler(MessagingMessageListenerAdapter.java:390)
org.springframework.kafka.listener.adapter.RecordMessagingMessageListenerAdapter.onMessage(RecordMessagingMessageListenerAdapter.java:92)
org.springframework.kafka.listener.KafkaMessageListenerContainer$ListenerConsumer.doInvokeOnMessage(KafkaMessageListenerContainer.java:2800)
org.springframework.kafka.listener.KafkaMessageListenerContainer$ListenerConsumer.invokeOnMessage(KafkaMessageListenerContainer.java:2778)
org.springframework.kafka.listener.KafkaMessageListenerContainer$ListenerConsumer.doInvokeRecordListener(KafkaMessageListenerContainer.java:2690)
org.springframework.kafka.listener.KafkaMessageListenerContainer$ListenerConsumer.doInvokeWithRecords(KafkaMessageListenerContainer.java:2532)
org.springframework.kafka.listener.KafkaMessageListenerContainer$ListenerConsumer.invokeRecordListener(KafkaMessageListenerContainer.java:2421)
org.springframework.kafka.listener.KafkaMessageListenerContainer$ListenerConsumer.invokeListener(KafkaMessageListenerContainer.java:2075)
org.springframework.kafka.listener.KafkaMessageListenerContainer$ListenerConsumer.pollAndInvoke(KafkaMessageListenerContainer.java:1446)
org.springframework.kafka.listener.KafkaMessageListenerContainer$ListenerConsumer.run(KafkaMessageListenerContainer.java:1337)
java.base/java.util.concurrent.CompletableFuture$AsyncRun.run(CompletableFuture.java:1804)
java.base/java.lang.Thread.run(Thread.java:1583)"""
_J_SCHED = """org.springframework.scheduling.support.ScheduledMethodRunnable.run(ScheduledMethodRunnable.java:84)
org.springframework.scheduling.support.DelegatingErrorHandlingRunnable.run(DelegatingErrorHandlingRunnable.java:54)
java.base/java.util.concurrent.Executors$RunnableAdapter.call(Executors.java:572)
java.base/java.util.concurrent.FutureTask.runAndReset(FutureTask.java:358)
java.base/java.util.concurrent.ScheduledThreadPoolExecutor$ScheduledFutureTask.run(ScheduledThreadPoolExecutor.java:305)
java.base/java.util.concurrent.ThreadPoolExecutor.runWorker(ThreadPoolExecutor.java:1144)
java.base/java.util.concurrent.ThreadPoolExecutor$Worker.run(ThreadPoolExecutor.java:642)
java.base/java.lang.Thread.run(Thread.java:1583)"""
_J_APP = {
    "orders": """com.acme.orders.service.OrderService.place(OrderService.java:87)
com.acme.orders.service.OrderService$$SpringCGLIB$$0.place(<generated>)
com.acme.orders.web.OrderController.create(OrderController.java:41)
java.base/jdk.internal.reflect.DirectMethodHandleAccessor.invoke(DirectMethodHandleAccessor.java:103)
java.base/java.lang.reflect.Method.invoke(Method.java:580)""",
    "cart": """com.acme.cart.service.CartService.lock(CartService.java:152)
com.acme.cart.web.CartController.checkout(CartController.java:66)
java.base/jdk.internal.reflect.DirectMethodHandleAccessor.invoke(DirectMethodHandleAccessor.java:103)
java.base/java.lang.reflect.Method.invoke(Method.java:580)""",
    "sync": """com.acme.inventory.sync.StockSyncJob.pushChanges(StockSyncJob.java:118)
com.acme.inventory.sync.StockSyncJob.run(StockSyncJob.java:57)
java.base/jdk.internal.reflect.DirectMethodHandleAccessor.invoke(DirectMethodHandleAccessor.java:103)
java.base/java.lang.reflect.Method.invoke(Method.java:580)""",
    "listener": """com.acme.billing.events.PaymentEventsListener.onPaymentCaptured(PaymentEventsListener.java:48)
java.base/jdk.internal.reflect.DirectMethodHandleAccessor.invoke(DirectMethodHandleAccessor.java:103)
java.base/java.lang.reflect.Method.invoke(Method.java:580)
org.springframework.messaging.handler.invocation.InvocableHandlerMethod.doInvoke(InvocableHandlerMethod.java:169)
org.springframework.messaging.handler.invocation.InvocableHandlerMethod.invoke(InvocableHandlerMethod.java:119)""",
}
_J_CAUSE = {
    "pg": """org.postgresql.core.v3.QueryExecutorImpl.receiveErrorResponse(QueryExecutorImpl.java:2725)
org.postgresql.core.v3.QueryExecutorImpl.processResults(QueryExecutorImpl.java:2412)
org.postgresql.core.v3.QueryExecutorImpl.execute(QueryExecutorImpl.java:371)
org.postgresql.jdbc.PgStatement.executeInternal(PgStatement.java:502)
org.postgresql.jdbc.PgStatement.execute(PgStatement.java:419)
org.postgresql.jdbc.PgPreparedStatement.executeWithFlags(PgPreparedStatement.java:194)
org.postgresql.jdbc.PgPreparedStatement.executeUpdate(PgPreparedStatement.java:155)
com.zaxxer.hikari.pool.ProxyPreparedStatement.executeUpdate(ProxyPreparedStatement.java:61)
com.zaxxer.hikari.pool.HikariProxyPreparedStatement.executeUpdate(HikariProxyPreparedStatement.java)
org.hibernate.engine.jdbc.internal.ResultSetReturnImpl.executeUpdate(ResultSetReturnImpl.java:194)""",
    "net": """java.base/sun.nio.ch.Net.pollConnect(Native Method)
java.base/sun.nio.ch.Net.pollConnectNow(Net.java:682)
java.base/sun.nio.ch.NioSocketImpl.timedFinishConnect(NioSocketImpl.java:542)
java.base/sun.nio.ch.NioSocketImpl.connect(NioSocketImpl.java:592)
java.base/java.net.SocksSocketImpl.connect(SocksSocketImpl.java:327)
java.base/java.net.Socket.connect(Socket.java:751)
java.base/sun.net.NetworkClient.doConnect(NetworkClient.java:178)""",
    "http": """org.springframework.web.client.RestTemplate.doExecute(RestTemplate.java:915)
org.springframework.web.client.RestTemplate.execute(RestTemplate.java:872)
org.springframework.web.client.RestTemplate.getForObject(RestTemplate.java:397)
com.acme.cart.client.StockClient.available(StockClient.java:39)""",
    "json": """com.fasterxml.jackson.databind.exc.MismatchedInputException.from(MismatchedInputException.java:63)
com.fasterxml.jackson.databind.DeserializationContext.reportInputMismatch(DeserializationContext.java:1767)
com.fasterxml.jackson.databind.deser.std.StdDeserializer._parseLong(StdDeserializer.java:900)
com.fasterxml.jackson.databind.ObjectMapper.readValue(ObjectMapper.java:3773)""",
    "kafka": """org.apache.kafka.clients.producer.KafkaProducer.doSend(KafkaProducer.java:1074)
org.apache.kafka.clients.producer.KafkaProducer.send(KafkaProducer.java:962)
org.springframework.kafka.core.DefaultKafkaProducerFactory$CloseSafeProducer.send(DefaultKafkaProducerFactory.java:1086)
org.springframework.kafka.core.KafkaTemplate.doSend(KafkaTemplate.java:797)""",
}
# (exception line, app frames, framework frames, cause: (line, cause frames) or None)
_J_EXC = [
    ("org.springframework.dao.DataIntegrityViolationException: could not execute statement [ERROR: duplicate key value "
     "violates unique constraint \"orders_pkey\"\n  Detail: Key (id)=({oid}) already exists.] [insert into orders "
     "(customer_id,status,total_cents,id) values (?,?,?,?)]; SQL [insert into orders (customer_id,status,total_cents,id) "
     "values (?,?,?,?)]; constraint [orders_pkey]", "orders", "web",
     ("org.postgresql.util.PSQLException: ERROR: duplicate key value violates unique constraint \"orders_pkey\"\n"
      "  Detail: Key (id)=({oid}) already exists.", "pg")),
    ("java.lang.IllegalStateException: Cart {uuid} is locked by checkout {hex16}", "cart", "web", None),
    ("java.lang.NullPointerException: Cannot invoke \"com.acme.orders.model.Customer.getId()\" because the return value "
     "of \"com.acme.orders.model.Order.getCustomer()\" is null", "orders", "web", None),
    ("org.springframework.web.client.ResourceAccessException: I/O error on GET request for "
     "\"http://{svc}-api:8080{path}\": Connect timed out", "cart", "web",
     ("java.net.SocketTimeoutException: Connect timed out", "net")),
    ("com.fasterxml.jackson.databind.exc.MismatchedInputException: Cannot deserialize value of type `java.lang.Long` "
     "from String \"{hex8}\": not a valid `java.lang.Long` value\n at [Source: REDACTED (`StreamReadFeature."
     "INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: {n}] (through reference chain: com.acme.orders.api."
     "OrderRequest[\"customerId\"])", "orders", "web", None),
    ("org.springframework.kafka.KafkaException: Send failed", "sync", "sched",
     ("org.apache.kafka.common.errors.TimeoutException: Topic {topic} not present in metadata after 60000 ms.",
      "kafka")),
    ("org.springframework.kafka.listener.ListenerExecutionFailedException: Listener method 'public void com.acme."
     "billing.events.PaymentEventsListener.onPaymentCaptured(com.acme.billing.events.PaymentCaptured)' threw "
     "exception", "listener", "kafka",
     ("java.lang.IllegalArgumentException: Unknown payment {uuid} for account {acct}", "json")),
    ("java.util.concurrent.CompletionException: java.net.ConnectException: Connection refused: {svc}-db/{ip}:5432",
     "sync", "sched", ("java.net.ConnectException: Connection refused", "net")),
    ("java.lang.IllegalArgumentException: Invalid quantity -{s} for SKU {sku}", "cart", "web", None),
]
_J_FATAL_EXC = [
    ("java.lang.OutOfMemoryError: Java heap space", "sync", "sched", None),
    ("com.zaxxer.hikari.pool.HikariPool$PoolInitializationException: Failed to initialize pool: Connection to "
     "{host}:5432 refused. Check that the hostname and port are correct and that the postmaster is accepting TCP/IP "
     "connections.", "sync", "sched", ("java.net.ConnectException: Connection refused", "net")),
]

# Python: frames as (file, line, function, code); each traceback picks a scenario.
_PY_FRAMES = {
    "requests": [
        ("/app/billing/gateway.py", 88, "charge", "resp = self.session.post(url, json=payload, timeout=self.timeout)"),
        ("/usr/local/lib/python3.11/site-packages/requests/sessions.py", 637, "post",
         'return self.request("POST", url, data=data, json=json, **kwargs)'),
        ("/usr/local/lib/python3.11/site-packages/requests/sessions.py", 589, "request",
         "resp = self.send(prep, **send_kwargs)"),
        ("/usr/local/lib/python3.11/site-packages/requests/sessions.py", 703, "send", "r = adapter.send(request, **kwargs)"),
        ("/usr/local/lib/python3.11/site-packages/requests/adapters.py", 532, "send",
         "raise ReadTimeout(e, request=request)")],
    "sqlalchemy": [
        ("/app/billing/invoices.py", 143, "save_invoice", "session.commit()"),
        ("/usr/local/lib/python3.11/site-packages/sqlalchemy/orm/session.py", 1969, "commit",
         'trans.commit(_to_root=True)'),
        ("/usr/local/lib/python3.11/site-packages/sqlalchemy/orm/session.py", 1256, "_prepare_impl",
         "self.session.flush()"),
        ("/usr/local/lib/python3.11/site-packages/sqlalchemy/engine/base.py", 1967, "_exec_single_context",
         "self.dialect.do_execute("),
        ("/usr/local/lib/python3.11/site-packages/sqlalchemy/engine/default.py", 924, "do_execute",
         "cursor.execute(statement, parameters)")],
    "template": [
        ("/app/billing/render.py", 61, "render_invoice", "html = template.render(**context)"),
        ("/usr/local/lib/python3.11/site-packages/jinja2/environment.py", 1301, "render",
         "self.environment.handle_exception()"),
        ("/app/billing/templates/invoice.html", 24, "top-level template code",
         "{{ customer.billing_address.street }}")],
    "boto": [
        ("/app/etl/export.py", 212, "upload", "s3.upload_file(local_path, bucket, key)"),
        ("/usr/local/lib/python3.11/site-packages/boto3/s3/transfer.py", 377, "upload_file", "future.result()"),
        ("/usr/local/lib/python3.11/site-packages/s3transfer/futures.py", 103, "result",
         "return self._coordinator.result()"),
        ("/usr/local/lib/python3.11/site-packages/botocore/client.py", 983, "_make_api_call",
         "raise error_class(parsed_response, operation_name)")],
    "redis": [
        ("/usr/local/lib/python3.11/site-packages/celery/app/trace.py", 477, "trace_task",
         "R = retval = fun(*args, **kwargs)"),
        ("/usr/local/lib/python3.11/site-packages/celery/app/trace.py", 760, "__protected_call__",
         "return self.run(*args, **kwargs)"),
        ("/app/billing/tasks.py", 52, "sync_invoice", "cache.set(key, payload, ex=3600)"),
        ("/usr/local/lib/python3.11/site-packages/redis/client.py", 1266, "execute_command",
         "conn = self.connection or pool.get_connection(command_name, **options)"),
        ("/usr/local/lib/python3.11/site-packages/redis/connection.py", 707, "connect",
         "raise ConnectionError(self._error_message(e))")],
    "flask": [
        ("/usr/local/lib/python3.11/site-packages/flask/app.py", 1463, "wsgi_app", "response = self.full_dispatch_request()"),
        ("/usr/local/lib/python3.11/site-packages/flask/app.py", 872, "full_dispatch_request",
         "rv = self.handle_user_exception(e)"),
        ("/usr/local/lib/python3.11/site-packages/flask/app.py", 870, "full_dispatch_request",
         "rv = self.dispatch_request()"),
        ("/usr/local/lib/python3.11/site-packages/flask/app.py", 855, "dispatch_request",
         "return self.ensure_sync(self.view_functions[rule.endpoint])(**view_args)  # type: ignore[no-any-return]"),
        ("/app/shop/views.py", 118, "create_order", "total = sum(item['price'] * item['qty'] for item in payload['items'])"),
        ("/app/shop/views.py", 118, "<genexpr>", "total = sum(item['price'] * item['qty'] for item in payload['items'])")],
    "file": [
        ("/app/etl/loader.py", 77, "load", "with open(path, newline='') as fh:")],
}
# scenario -> list of final lines (templates); a final line may span several lines
_PY_FINAL = {
    "requests": ["requests.exceptions.ReadTimeout: HTTPSConnectionPool(host='api.{svc}-gateway.com', port=443): "
                 "Read timed out. (read timeout={sec})",
                 "requests.exceptions.ConnectionError: HTTPSConnectionPool(host='{host}', port=443): Max retries "
                 "exceeded with url: /v1/charges (Caused by NewConnectionError('<urllib3.connection.HTTPSConnection "
                 "object at 0x7f{hex8}>: Failed to establish a new connection: [Errno 111] Connection refused'))"],
    "sqlalchemy": ["sqlalchemy.exc.IntegrityError: (psycopg2.errors.UniqueViolation) duplicate key value violates "
                   "unique constraint \"invoices_number_key\"\nDETAIL:  Key (number)=(INV-{oid}) already exists.\n\n"
                   "[SQL: INSERT INTO invoices (number, account_id, total) VALUES (%(number)s, %(account_id)s, "
                   "%(total)s) RETURNING invoices.id]\n[parameters: {{'number': 'INV-{oid}', 'account_id': {n}, "
                   "'total': {amount}}}]\n(Background on this error at: https://sqlalche.me/e/20/gkpj)",
                   "sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) connection to server at \"{host}\" "
                   "({ip}), port 5432 failed: Connection refused\n\tIs the server running on that host and accepting "
                   "TCP/IP connections?\n\n(Background on this error at: https://sqlalche.me/e/20/e3q8)"],
    "template": ["jinja2.exceptions.UndefinedError: 'None' has no attribute 'street' (invoice INV-{oid})"],
    "boto": ["botocore.exceptions.ClientError: An error occurred (AccessDenied) when calling the PutObject operation: "
             "Access Denied (s3://{bucket}/{key})",
             "botocore.exceptions.ClientError: An error occurred (SlowDown) when calling the PutObject operation "
             "(reached max retries: 4): Please reduce your request rate. RequestId {HEX}"],
    "redis": ["redis.exceptions.ConnectionError: Error 111 connecting to {host}:6379. Connection refused.",
              "redis.exceptions.TimeoutError: Timeout reading from {ip}:6379 after {sec}s"],
    "flask": ["KeyError: 'price' (order {uuid})", "TypeError: unsupported operand type(s) for *: 'NoneType' and 'int'",
              "ValueError: invalid literal for int() with base 10: '{hex8}'"],
    "file": ["FileNotFoundError: [Errno 2] No such file or directory: '{file}'",
             "PermissionError: [Errno 13] Permission denied: '{file}'", "OSError: [Errno 28] No space left on device"],
}
_PY_CHAIN = {   # a first exception and how Python chains it to the final one
    "requests": ("TimeoutError: The read operation timed out",
                 "During handling of the above exception, another exception occurred:"),
    "sqlalchemy": ("psycopg2.errors.UniqueViolation: duplicate key value violates unique constraint "
                   "\"invoices_number_key\"\nDETAIL:  Key (number)=(INV-{oid}) already exists.",
                   "The above exception was the direct cause of the following exception:"),
    "redis": ("ConnectionRefusedError: [Errno 111] Connection refused",
              "During handling of the above exception, another exception occurred:"),
}


def _py_frames(frames) -> str:
    return "".join('  File "%s", line %d, in %s\n    %s\n' % f for f in frames)


# Go: goroutine dumps
_GO_PANICS = [
    ("panic: runtime error: invalid memory address or nil pointer dereference\n"
     "[signal SIGSEGV: segmentation violation code=0x1 addr=0x{s}8 pc=0x{hex8}]"),
    "panic: runtime error: index out of range [{s}] with length {s}",
    "panic: assignment to entry in nil map",
    "panic: send on closed channel",
    "fatal error: concurrent map writes",
    "fatal error: runtime: out of memory",
]
_GO_STACK = [
    ("github.com/acme/ledger/internal/store.(*Store).Balance({gp}, {{{gp}, 0x24}})",
     "\t/src/internal/store/store.go:142 +0x2a"),
    ("github.com/acme/ledger/internal/api.(*Server).getBalance({gp}, {{0xb3e4c0, {gp}}}, {gp})",
     "\t/src/internal/api/balance.go:87 +0x1c5"),
    ("net/http.HandlerFunc.ServeHTTP({gp}?, {{0xb3e4c0?, {gp}?}}, 0x0?)", "\t/usr/local/go/src/net/http/server.go:2171 +0x29"),
    ("github.com/go-chi/chi/v5.(*Mux).routeHTTP({gp}, {{0xb3e4c0, {gp}}}, {gp})",
     "\t/go/pkg/mod/github.com/go-chi/chi/v5@v5.0.11/mux.go:444 +0x216"),
    ("net/http.serverHandler.ServeHTTP({{{gp}?}}, {{0xb3e4c0?, {gp}?}}, 0x6?)",
     "\t/usr/local/go/src/net/http/server.go:3142 +0x8e"),
    ("net/http.(*conn).serve({gp}, {{0xb3f1f8, {gp}}})", "\t/usr/local/go/src/net/http/server.go:2044 +0x5e8"),
]
_GO_OTHER = [
    ("goroutine 1 [IO wait]:", "internal/poll.runtime_pollWait(0x7f{hex8}, 0x72)",
     "\t/usr/local/go/src/runtime/netpoll.go:345 +0x85",
     "net.(*netFD).accept({gp})", "\t/usr/local/go/src/net/fd_unix.go:172 +0x29",
     "main.main()", "\t/src/cmd/ledger/main.go:58 +0x3a5"),
    ("goroutine {k} [select]:", "github.com/IBM/sarama.(*Broker).responseReceiver({gp})",
     "\t/go/pkg/mod/github.com/!i!b!m/sarama@v1.42.1/broker.go:1154 +0x13c",
     "created by github.com/IBM/sarama.(*Broker).Open.func1 in goroutine {k}",
     "\t/go/pkg/mod/github.com/!i!b!m/sarama@v1.42.1/broker.go:212 +0x2c5"),
]

# .NET exceptions (message lines are indented by the console logger; frames by 3 more spaces)
_NET_EXC = [
    ("System.Net.Http.HttpRequestException: Connection refused ({svc}-api:443)\n"
     " ---> System.Net.Sockets.SocketException (111): Connection refused",
     ["at System.Net.Sockets.Socket.AwaitableSocketAsyncEventArgs.ThrowException(SocketError error, CancellationToken cancellationToken)",
      "at System.Net.Sockets.Socket.AwaitableSocketAsyncEventArgs.System.Threading.Tasks.Sources.IValueTaskSource.GetResult(Int16 token)",
      "at System.Net.Http.HttpConnectionPool.ConnectToTcpHostAsync(String host, Int32 port, HttpRequestMessage initialRequest, Boolean async, CancellationToken cancellationToken)",
      "--- End of inner exception stack trace ---",
      "at System.Net.Http.HttpConnectionPool.ConnectToTcpHostAsync(String host, Int32 port, HttpRequestMessage initialRequest, Boolean async, CancellationToken cancellationToken)",
      "at System.Net.Http.HttpClient.<SendAsync>g__Core|83_0(HttpRequestMessage request, HttpCompletionOption completionOption, CancellationTokenSource cts, Boolean disposeCts, CancellationTokenSource pendingRequestsCts, CancellationToken originalCancellationToken)",
      "at Acme.Orders.Clients.PaymentClient.CaptureAsync(Guid paymentId) in /src/Acme.Orders/Clients/PaymentClient.cs:line 58",
      "at Acme.Orders.Services.OrderService.PlaceAsync(PlaceOrder command) in /src/Acme.Orders/Services/OrderService.cs:line 112"]),
    ("System.InvalidOperationException: Sequence contains no elements (order {oid})",
     ["at System.Linq.ThrowHelper.ThrowNoElementsException()",
      "at Acme.Orders.Services.OrderService.GetAsync(Guid id) in /src/Acme.Orders/Services/OrderService.cs:line 42",
      "at Acme.Orders.Controllers.OrdersController.Get(Guid id) in /src/Acme.Orders/Controllers/OrdersController.cs:line 29",
      "at Microsoft.AspNetCore.Mvc.Infrastructure.ActionMethodExecutor.TaskOfIActionResultExecutor.Execute(ActionContext actionContext, IActionResultTypeMapper mapper, ObjectMethodExecutor executor, Object controller, Object[] arguments)",
      "at Microsoft.AspNetCore.Mvc.Infrastructure.ControllerActionInvoker.<InvokeActionMethodAsync>g__Awaited|12_0(ControllerActionInvoker invoker, ValueTask`1 actionResultValueTask)",
      "at Microsoft.AspNetCore.Routing.EndpointMiddleware.<Invoke>g__AwaitRequestTask|7_0(Endpoint endpoint, Task requestTask, ILogger logger)",
      "at Microsoft.AspNetCore.Authorization.AuthorizationMiddleware.Invoke(HttpContext context)",
      "at Microsoft.AspNetCore.Diagnostics.ExceptionHandlerMiddlewareImpl.<Invoke>g__Awaited|10_0(ExceptionHandlerMiddlewareImpl middleware, HttpContext context, Task task)"]),
    ("Npgsql.PostgresException (0x80004005): 23505: duplicate key value violates unique constraint \"IX_Orders_Reference\"\n"
     "\n"
     "DETAIL: Key (\"Reference\")=(ORD-{oid}) already exists.",
     ["at Npgsql.Internal.NpgsqlConnector.ReadMessageLong(Boolean async, DataRowLoadingMode dataRowLoadingMode, Boolean readingNotifications, Boolean isReadingPrependedMessage)",
      "at Npgsql.NpgsqlDataReader.NextResult(Boolean async, Boolean isConsuming, CancellationToken cancellationToken)",
      "at Npgsql.NpgsqlCommand.ExecuteReader(Boolean async, CommandBehavior behavior, CancellationToken cancellationToken)",
      "at Microsoft.EntityFrameworkCore.Storage.RelationalCommand.ExecuteReaderAsync(RelationalCommandParameterObject parameterObject, CancellationToken cancellationToken)",
      "at Microsoft.EntityFrameworkCore.Update.ReaderModificationCommandBatch.ExecuteAsync(IRelationalConnection connection, CancellationToken cancellationToken)",
      "at Acme.Orders.Services.OrderService.PlaceAsync(PlaceOrder command) in /src/Acme.Orders/Services/OrderService.cs:line 131"]),
]

# JavaScript stacks (pino/bunyan "err.stack": embedded in the JSON line, newlines escaped)
_JS_STACKS = [
    "\n    at Object.handler (/app/src/routes/orders.js:{s}4:{s}1)\n    at process.processTicksAndRejections "
    "(node:internal/process/task_queues:95:5)\n    at async Object.preHandlerHookRunner (/app/node_modules/fastify/lib/hooks.js:243:9)",
    "\n    at TLSSocket.socketOnEnd (node:_http_client:524:23)\n    at TLSSocket.emit (node:events:530:35)\n"
    "    at endReadableNT (node:internal/streams/readable:1696:12)\n    at process.processTicksAndRejections "
    "(node:internal/process/task_queues:82:21)",
    "\n    at SMTPConnection._formatError (/app/node_modules/nodemailer/lib/smtp-connection/index.js:798:19)\n"
    "    at SMTPConnection._actionRCPT (/app/node_modules/nodemailer/lib/smtp-connection/index.js:1686:28)\n"
    "    at SMTPConnection.<anonymous> (/app/node_modules/nodemailer/lib/smtp-connection/index.js:1639:30)",
]
_GO_ZAP_STACK = ("github.com/acme/ledger/internal/api.(*Server).postEntry\n\t/src/internal/api/entries.go:131\n"
                 "net/http.HandlerFunc.ServeHTTP\n\t/usr/local/go/src/net/http/server.go:2171\n"
                 "github.com/go-chi/chi/v5.(*Mux).routeHTTP\n\t/go/pkg/mod/github.com/go-chi/chi/v5@v5.0.11/mux.go:444\n"
                 "net/http.(*conn).serve\n\t/usr/local/go/src/net/http/server.go:2044")


# --------------------------------------------------------------------------------------------------------------
# Sources: one renderer per (format, envelope); each appends a whole record's physical lines to the batch
# --------------------------------------------------------------------------------------------------------------
class _Gen:
    def __init__(self, seed: int):
        self.rng = rng = Random(seed)
        self.rnd = rng.random
        self.bits = rng.getrandbits
        self.ns = _values(rng)
        self.c = _Compiler(self.ns)
        self.clock = _Clock((START_EPOCH + 8 * 3600) * 1_000_000)
        self.parts: list[str] = []
        self.last_sec = self.last_ns = -1
        self.events = {"FATAL": 0, "ERROR": 0, "WARN": 0}
        self.traces = {"multiline": 0, "json_field": 0}
        self.latin = 0
        self.sources: list[tuple[str, float, object]] = []
        c = self.c
        # SQL statements (PostgreSQL STATEMENT lines) are a value of their own
        sqls = [c(t) for t in [
            "INSERT INTO orders (id, customer_id, total_cents, currency) VALUES ({oid}, {n}, {n}, '{cur}')",
            "UPDATE inventory SET qty = qty - {s} WHERE sku = '{sku}' AND warehouse = '{wh}'",
            "INSERT INTO users (email, name) VALUES ('{email}', '{user}')",
            "SELECT * FROM invoices WHERE account_id = {n} AND status = 'open' FOR UPDATE",
            "DELETE FROM sessions WHERE id = '{hex16}'",
            "UPDATE accounts SET balance_cents = balance_cents + {n} WHERE id = {oid}"]]
        self.ns["sql"] = lambda: sqls[int(self.rnd() * len(sqls))]()
        statuses = [200] * 14 + [201, 204, 301, 304, 400, 404, 404, 499, 500, 502, 503]
        self.ns["astatus"] = lambda: statuses[int(self.rnd() * len(statuses))]
        self.ns["login"] = lambda: "-" if self.rnd() < 0.7 else self.ns["user"]()
        self.ns["clf"] = lambda: self.clock.clf
        self._build_traces()
        for name in SOURCE_ORDER:
            weight, builder = _BUILDERS[name]
            self.sources.append((name, weight, builder(self)))

    # ---- helpers ------------------------------------------------------------------------------------------
    def pk(self, seq):
        return seq[int(self.rnd() * len(seq))]

    def sel(self, cls, P):
        """(level key, template) for a record of class ``cls`` (None: noise -> "I", "D" or "M")."""
        if cls is None:
            x = self.rnd()
            if x < MENTION_SHARE:
                key = "M"
            elif x < MENTION_SHARE + DEBUG_SHARE:
                key = "D"
            else:
                key = "I"
        else:
            key = cls
        L = P[key]
        return key, L[int(self.rnd() * len(L))]

    def frac9(self, ns: int) -> str:
        """Go's RFC3339Nano fraction: trailing zeros dropped."""
        f = "%09d" % ns
        if f[-1] == "0":
            f = f.rstrip("0")
            return "." + f if f else ""
        return "." + f

    def docker(self, text: str, stream: str) -> None:
        """Docker json-file: every physical line its own JSON object (Go's encoder escapes <, >, &)."""
        K = self.clock
        ns = self.start_ns()
        ap = self.parts.append
        for line in text.split("\n")[:-1]:
            j = _jstr(line + "\n")
            if "<" in j or ">" in j or "&" in j:
                j = j.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            ap('{"log":%s,"stream":"%s","time":"%s%sZ"}\n' % (j, stream, K.iso, self.frac9(ns)))
            ns = min(ns + self.bits(14), 999_999_999)
        self.last_ns = ns

    def start_ns(self) -> int:
        """Envelope nanoseconds for a record's first line: after the previous envelope line of the same second."""
        K = self.clock
        ns = min(K.us * 1000 + self.bits(10), 999_999_999)
        if K.sec == self.last_sec and ns <= self.last_ns:
            ns = min(self.last_ns + 1 + self.bits(8), 999_999_999)
        self.last_sec = K.sec
        return ns

    def cri(self, text: str, stream: str) -> None:
        """Kubernetes CRI: '<RFC3339Nano> <stream> <P|F> <text>'; lines over CRI_MAX are split into P chunks."""
        K = self.clock
        ns = self.start_ns()
        ap = self.parts.append
        for line in text.split("\n")[:-1]:
            if len(line) > CRI_MAX:          # (long lines are ASCII: characters are bytes)
                for i in range(0, len(line), CRI_MAX):
                    chunk = line[i:i + CRI_MAX]
                    tag = "F" if i + CRI_MAX >= len(line) else "P"
                    ap("%s%sZ %s %s %s\n" % (K.iso, self.frac9(ns), stream, tag, chunk))
                    ns = min(ns + self.bits(6), 999_999_999)
            else:
                ap("%s%sZ %s F %s\n" % (K.iso, self.frac9(ns), stream, line))
            ns = min(ns + self.bits(14), 999_999_999)
        self.last_ns = ns

    # ---- traces -------------------------------------------------------------------------------------------
    def _build_traces(self) -> None:
        c = self.c

        def frames(block: str) -> list[str]:
            return ["\tat %s\n" % f for f in block.split("\n")]

        stacks = {"web": frames(_J_WEB), "kafka": frames(_J_KAFKA), "sched": frames(_J_SCHED)}
        apps = {k: frames(v) for k, v in _J_APP.items()}
        causes = {k: frames(v) for k, v in _J_CAUSE.items()}

        def build(spec):
            out = []
            for head, app, stack, cause in spec:
                body = apps[app] + stacks[stack]
                if cause:
                    cf = causes[cause[1]]
                    ctail = "".join(cf) + "\t... %d more\n" % (len(body) - 2)
                    out.append((c(head), "".join(body), c(cause[0]), ctail))
                else:
                    out.append((c(head), "".join(body), None, ""))
            return out

        self.j_exc = build(_J_EXC)
        self.j_fatal = build(_J_FATAL_EXC)
        self.py = {}
        for scen, fr in _PY_FRAMES.items():
            chain = _PY_CHAIN.get(scen)
            self.py[scen] = (_py_frames(fr), [c(f) for f in _PY_FINAL[scen]],
                             (c(chain[0]), chain[1], _py_frames(fr[-2:])) if chain else None)
        self.py_scen = list(self.py)
        self.go_panics = [c(p) for p in _GO_PANICS]
        self.go_stack = [(c(a), b) for a, b in _GO_STACK]
        self.go_other = [[c(x) for x in g] for g in _GO_OTHER]
        self.net_exc = [(c(h), "".join("         %s\n" % f if not f.startswith("---") else "         %s\n" % f
                                       for f in fr)) for h, fr in _NET_EXC]
        self.js_stacks = [c(s) for s in _JS_STACKS]

    def java_trace(self, fatal: bool = False) -> str:
        head, body, chead, ctail = self.pk(self.j_fatal if fatal else self.j_exc)
        if chead is None:
            return head() + "\n" + body
        return head() + "\n" + body + "Caused by: " + chead() + "\n" + ctail

    def py_traceback(self, scen: str | None = None) -> str:
        frames, finals, chain = self.py[scen or self.pk(self.py_scen)]
        tb = "Traceback (most recent call last):\n" + frames + self.pk(finals)() + "\n"
        if chain and self.rnd() < 0.5:
            first, sep, ffr = chain
            tb = "Traceback (most recent call last):\n" + ffr + first() + "\n\n" + sep + "\n\n" + tb
        return tb

    def go_dump(self) -> str:
        rnd = self.rnd
        out = [self.pk(self.go_panics)(), "\n\ngoroutine %d [running]:\n" % (int(rnd() * 5000) + 2)]
        st = self.go_stack[int(rnd() * 2):]
        for fn, loc in st:
            out.append(fn() + "\n" + loc + "\n")
        out.append("created by net/http.(*Server).Serve in goroutine 1\n\t/usr/local/go/src/net/http/server.go:3285 +0x4b4\n")
        for _ in range(int(rnd() * 3)):
            g = self.pk(self.go_other)
            out.append("\n" + "\n".join(x() for x in g) + "\n")
        return "".join(out)

    def js_err(self, etype: str, message: str) -> str:
        """pino/bunyan err serializer: {"type","message","stack"} with the stack escaped inside the JSON line."""
        stack = etype + ": " + message + self.pk(self.js_stacks)()
        return '{"type":"%s","message":%s,"stack":%s}' % (etype, _jstr(message), _jstr(stack))

    # ---- main loop ----------------------------------------------------------------------------------------
    def run(self, path: Path, megabytes: int) -> dict:
        rnd = self.rnd
        parts = self.parts
        events = self.events
        K = self.clock
        names = [s[0] for s in self.sources]
        fns = [s[2] for s in self.sources]
        total_w = sum(s[1] for s in self.sources)
        cum, acc = [], 0.0
        for s in self.sources:
            acc += s[1] / total_w
            cum.append(acc)
        cum[-1] = 1.0
        pF = EVENT_SHARES["FATAL"]
        pE = pF + EVENT_SHARES["ERROR"]
        pW = pE + EVENT_SHARES["WARN"]
        per_format = [0] * len(fns)
        target = megabytes * 2 ** 20
        written = lines = records = 0
        burst = 0
        idx = 0
        fn = fns[0]
        t = K.t
        with open(path, "wb") as out:
            while written < target:
                # full batches, then smaller ones near the end so the file stops just past the target
                todo = BATCH if not records else max(1, min(BATCH, int((target - written) * records / written / 2)))
                for _ in range(todo):
                    if burst == 0:
                        idx = bisect(cum, rnd())
                        fn = fns[idx]
                        burst = 1 + int(rnd() * rnd() * 30)
                    burst -= 1
                    per_format[idx] += 1
                    t += 200 + int(rnd() * rnd() * 8000)
                    K.set(t)
                    x = rnd()
                    if x < pW:
                        cls = fn("FATAL" if x < pF else "ERROR" if x < pE else "WARN")
                        events[cls] += 1
                    else:
                        fn(None)
                records += todo
                data = "".join(parts).encode("utf-8", "surrogateescape")
                parts.clear()
                out.write(data)
                written += len(data)
                lines += data.count(b"\n")
        return {"lines": lines, "events": dict(events),
                "stack_traces": self.traces["multiline"] + self.traces["json_field"],
                "stack_traces_multiline": self.traces["multiline"],
                "stack_traces_in_json_field": self.traces["json_field"],
                "records": records, "bytes": written, "invalid_utf8_lines": self.latin,
                "formats": dict(zip(names, per_format)), "templates": self.c.count}


# --------------------------------------------------------------------------------------------------------------
# The formats. Each builder compiles its templates and returns render(cls) -> class written (for events).
# Template pools: "I" info, "D" debug, "M" info mentioning error/failed/warning, "WARN", "ERROR", "FATAL".
# --------------------------------------------------------------------------------------------------------------
def _java_threads(g: _Gen):
    rnd = g.rnd

    def thread():
        x = rnd()
        if x < 0.5:
            return "http-nio-8080-exec-%d" % (int(rnd() * 200) + 1)
        if x < 0.65:
            return "pool-%d-thread-%d" % (int(rnd() * 8) + 1, int(rnd() * 32) + 1)
        if x < 0.8:
            return "org.springframework.kafka.KafkaListenerEndpointContainer#%d-0-C-1" % int(rnd() * 4)
        if x < 0.9:
            return "scheduling-%d" % (int(rnd() * 4) + 1)
        return "ForkJoinPool.commonPool-worker-%d" % (int(rnd() * 16) + 1)
    return thread


def b_log4j(g: _Gen):
    P = g.c.pools({
        "I": ["c.a.o.OrderService|Order {oid} created for customer {user} with {s} items, total {amount} {cur}",
              "c.a.o.OrderService|Order {oid} moved from PENDING to PAID in {ms} ms",
              "c.a.p.PaymentClient|Payment {uuid} authorized for order {oid} ({amount} {cur}, card ****{card})",
              "c.a.i.InventoryService|Reserved {s} units of {sku} in warehouse {wh} for order {oid}",
              "c.a.s.ShipmentScheduler|Scheduled shipment {hex12} via {carrier}, ETA {s} days",
              "o.a.k.c.c.i.ConsumerCoordinator|[Consumer clientId=consumer-{svc}-{k}, groupId={svc}-group] Setting "
              "offset for partition {topic}-{part} to the committed offset FetchPosition{{offset={off}, "
              "offsetEpoch=Optional[{s}], currentLeader=LeaderAndEpoch{{leader=Optional[{host}:9092 (id: {s} rack: "
              "null)], epoch={k}}}}}",
              "c.a.w.RequestLogger|{method} {path} -> 200 in {ms} ms (user={user}, ip={ip})",
              "c.a.b.NightlyExport|Exported {n} rows to s3://{bucket}/{key} ({kb} KiB)",
              "c.a.a.SessionService|Session {hex16} opened for {email} from {ip}"],
        "D": ["c.a.a.JwtFilter|Token validated for subject {user} (jti={uuid}, expires in {sec}s)",
              "c.z.h.p.HikariPool|HikariPool-{s} - Pool stats (total={k}, active={s}, idle={s}, waiting=0)",
              "o.h.SQL|select o1_0.id,o1_0.customer_id,o1_0.status from orders o1_0 where o1_0.id={oid}",
              "c.a.c.CacheWarmer|Cache lookup orders:{oid} hit in {flt} ms"],
        "M": ["c.a.h.HealthReporter|Health check passed: 0 errors in the last {sec}s, {n} requests served",
              "c.a.b.BatchRunner|Batch {oid} finished: {n} processed, 0 failed, {s} skipped",
              "c.a.r.RetryListener|Call to {svc} succeeded on attempt {s} after error: connection reset",
              "c.a.c.ConfigWatcher|Log level of org.apache.kafka changed to WARN by {user}",
              "c.a.w.ErrorPageController|Rendered error page for {path} in {ms} ms"],
        "WARN": ["c.z.h.p.HikariPool|HikariPool-{s} - Thread starvation or clock leap detected (housekeeper "
                 "delta={s}m{sec}s{ms}ms).",
                 "c.a.i.InventoryClient|Inventory service slow: GET {path} took {ms} ms (threshold 500 ms)",
                 "o.a.k.c.NetworkClient|[Producer clientId=producer-{k}] Connection to node {s} ({host}/{ip}:9092) "
                 "could not be established. Broker may not be available.",
                 "c.a.w.RateLimiter|Rate limit exceeded for client {ip} on {path}: {n} requests in 60s",
                 "c.a.a.LoginService|Failed login for user {user} from {ip} (attempt {s} of 5)",
                 "c.a.p.PaymentClient|Payment {uuid} retry {s}/3 after gateway timeout ({ms} ms)",
                 "o.s.w.s.m.s.DefaultHandlerExceptionResolver|Resolved [org.springframework.web."
                 "HttpRequestMethodNotSupportedException: Request method '{method}' is not supported] for {path}",
                 "c.a.c.CacheWarmer|Cache region {svc} evicted {n} entries under memory pressure (heap {pct}% used)"],
        "ERROR": ["c.a.o.OrderService|Failed to process order {oid}: payment declined by gateway ({code})",
                  "c.a.i.S3Uploader|Upload of s3://{bucket}/{key} failed after {s} attempts",
                  "c.a.o.OrderController|Unhandled exception while handling {method} {path} (request {uuid})",
                  "c.a.m.MailSender|Could not send confirmation mail to {email}: 554 5.7.1 rejected",
                  "o.a.k.c.p.i.Sender|[Producer clientId=producer-{k}] Got error produce response with correlation "
                  "id {n} on topic-partition {topic}-{part}, retrying ({s} attempts left). Error: "
                  "NOT_LEADER_OR_FOLLOWER"],
        "FATAL": ["c.a.Application|Unrecoverable error, shutting down: datasource {db} unavailable after {sec}s",
                  "c.a.s.LeaderElector|Lost leadership lease {uuid}, could not re-acquire within {ms} ms; exiting"],
    }, sep="|")
    LV = {"I": "INFO ", "M": "INFO ", "D": "DEBUG", "WARN": "WARN ", "ERROR": "ERROR", "FATAL": "FATAL"}
    HL = {"I": "\x1b[32m", "M": "\x1b[32m", "D": "\x1b[36m", "WARN": "\x1b[33m", "ERROR": "\x1b[1;31m",
          "FATAL": "\x1b[1;31m"}
    thread = _java_threads(g)
    rnd, ap, K, tr, ev = g.rnd, g.parts.append, g.clock, g.traces, g.events

    def render(cls):
        key, (logger, msg) = g.sel(cls, P)
        lvl = LV[key]
        if rnd() < 0.04:                        # a console appender with %highlight
            lvl = HL[key] + lvl + "\x1b[m"
        ap("%s.%03d %s [%s] %s - %s\n" % (K.space, K.us // 1000, lvl, thread(), logger(), msg()))
        if cls is None:
            if rnd() < 0.004:                   # an uncaught exception printed by the JVM, no logger header
                ap('Exception in thread "%s" %s' % (thread(), g.java_trace()))
                ev["ERROR"] += 1
                tr["multiline"] += 1
            return None
        x = rnd()
        if (cls == "ERROR" and x < 0.55) or (cls == "FATAL" and x < 0.7) or (cls == "WARN" and x < 0.05):
            ap(g.java_trace(fatal=cls == "FATAL"))
            tr["multiline"] += 1
        return cls
    return render


def b_spring_docker(g: _Gen):
    P = g.c.pools({
        "I": ["o.s.web.servlet.DispatcherServlet|Completed initialization in {s} ms",
              "c.a.cart.web.CartController|Cart {uuid} updated: {s} items, subtotal {amount} {cur}",
              "c.a.cart.service.PricingService|Repriced {n} SKUs for campaign {hex8} in {ms} ms",
              "o.s.k.l.KafkaMessageListenerContainer|{svc}-group: partitions assigned: [{topic}-{part}]",
              "c.a.cart.service.CheckoutService|Checkout {uuid} completed for {email} in {ms} ms",
              "o.s.b.w.e.tomcat.TomcatWebServer|Tomcat started on port {port} (http) with context path '/{svc}'"],
        "D": ["o.s.w.s.DispatcherServlet|{method} \"{path}\", parameters={{masked}}",
              "o.s.orm.jpa.JpaTransactionManager|Creating new transaction with name [com.acme.cart.service."
              "CartService.lock]: PROPAGATION_REQUIRED,ISOLATION_DEFAULT (cart {uuid})"],
        "M": ["c.a.cart.service.CheckoutService|Checkout {uuid} completed after recovering from a failed payment "
              "attempt",
              "c.a.cart.metrics.ErrorRateReporter|Error rate for {svc} is {flt}% over the last 5 minutes "
              "(threshold 5%)",
              "o.s.b.a.h.HealthEndpointSupport|Health contributor 'db' is UP (validation query took {ms} ms, 0 "
              "failures)"],
        "WARN": ["o.h.e.j.s.SqlExceptionHelper|SQL Error: 0, SQLState: 23505 (cart {uuid})",
                 "c.a.cart.client.StockClient|Stock lookup for {sku} timed out after {ms} ms, using cached value",
                 "o.s.w.s.PageNotFound|No mapping for {method} {path}",
                 "c.a.cart.service.CouponService|Coupon {hex8} rejected for {email}: expired {s} days ago",
                 "o.s.k.l.DeadLetterPublishingRecoverer|Record {topic}-{part}@{off} sent to DLT after {s} delivery "
                 "attempts",
                 "c.a.cart.web.GlobalExceptionHandler|Bad request {uuid}: field 'quantity' must be greater than 0 "
                 "(was -{s})"],
        "ERROR": ["o.h.e.j.s.SqlExceptionHelper|ERROR: duplicate key value violates unique constraint "
                  "\"carts_pkey\"\n  Detail: Key (id)=({uuid}) already exists.",
                  "o.a.c.c.C.[.[.[/].[dispatcherServlet]|Servlet.service() for servlet [dispatcherServlet] in "
                  "context with path [] threw exception [Request processing failed: java.lang.IllegalStateException: "
                  "Cart {uuid} is locked] with root cause",
                  "c.a.cart.service.CheckoutService|Checkout {uuid} failed: payment provider returned HTTP {status5}",
                  "o.s.s.s.TaskUtils$LoggingErrorHandler|Unexpected error occurred in scheduled task (run {hex8})",
                  "o.s.k.l.KafkaMessageListenerContainer|Error handler threw an exception for record "
                  "{topic}-{part}@{off}"],
    }, sep="|")
    P["FATAL"] = P["ERROR"]                     # logback has no FATAL: Spring Boot maps it to ERROR
    LV = {"I": " INFO", "M": " INFO", "D": "DEBUG", "WARN": " WARN", "ERROR": "ERROR"}
    thread = _java_threads(g)
    rnd, K, tr, ev = g.rnd, g.clock, g.traces, g.events
    app = ["cart", "cart-api", "checkout"]

    def render(cls):
        key, (logger, msg) = g.sel(cls, P)
        if key == "FATAL":
            key = cls = "ERROR"
        th = thread()[-15:]
        text = "%s.%03dZ %s 1 --- [%s] [%15s] %-40s : %s\n" % (K.iso, K.us // 1000, LV[key], app[int(rnd() * 3)], th,
                                                            logger(), msg())
        if cls is not None and (cls == "ERROR" and rnd() < 0.6 or cls == "WARN" and rnd() < 0.04):
            text += g.java_trace()
            tr["multiline"] += 1
        g.docker(text, "stdout")
        return cls
    return render


def b_python(g: _Gen):
    P = g.c.pools({
        "I": ["billing.invoices|Invoice INV-{oid} rendered for account {n} in {ms}ms",
              "etl.loader|Loaded {n} rows from {file} into {table} in {flt}s",
              "billing.worker|Charged customer cus_{hex12} {amount} {cur} (charge ch_{hex16})",
              "celery.app.trace|Task billing.tasks.sync_invoice[{uuid}] succeeded in {flt}s: None",
              "botocore.credentials|Refreshing temporary credentials for role arn:aws:iam::{acct}:role/{svc}-worker",
              "etl.scheduler|Job {svc}_daily scheduled, next run in {sec}s (run id {uuid})"],
        "D": ["urllib3.connectionpool|https://{host}:443 \"POST /v1/charges HTTP/1.1\" 200 {n}",
              "sqlalchemy.engine.Engine|[cached since {flt}s ago] {{'id_1': {oid}, 'param_1': {s}}}",
              "etl.loader|Batch {n}: {s} chunks, first key {hex12}"],
        "M": ["etl.loader|Loaded {n} rows from {file}; {s} rows skipped, 0 errors",
              "billing.worker|Retry policy: max 5 attempts, backoff {sec}s on errors from gateway",
              "etl.validate|Validation of {file} passed with 0 warnings",
              "billing.worker|Log level for urllib3 set to WARNING (was DEBUG) by {user}"],
        "WARN": ["urllib3.connectionpool|Retrying (Retry(total={s}, connect=None, read=None, redirect=None, "
                 "status=None)) after connection broken by 'ReadTimeoutError(\"HTTPSConnectionPool(host='{host}', "
                 "port=443): Read timed out. (read timeout={sec})\")': /v1/charges",
                 "billing.worker|Charge for customer cus_{hex12} took {ms}ms, above SLO of 800ms",
                 "etl.loader|Skipping malformed row {n} in {file}: expected 12 columns, got {s}",
                 "billing.invoices|Invoice INV-{oid} has no billing address, using account default",
                 "py.warnings|{file}:{n}: DeprecationWarning: datetime.datetime.utcnow() is deprecated and scheduled "
                 "for removal in a future version (job {hex8})"],
        "ERROR": ["billing.worker|Failed to charge customer cus_{hex12}: {code} (charge ch_{hex16})",
                  "etl.loader|Could not load {file} into {table}",
                  "celery.app.trace|Task billing.tasks.sync_invoice[{uuid}] raised unexpected: ConnectionError('Error "
                  "111 connecting to {host}:6379. Connection refused.')",
                  "billing.invoices|Error rendering invoice INV-{oid}"],
        "FATAL": ["billing.worker|Database connection pool exhausted after {s} retries, shutting down worker {k}",
                  "etl.scheduler|Scheduler thread died, no jobs will run until restart (last job {uuid})"],
    }, sep="|")
    latin = g.c("etl.loader|Received upload {latin} ({kb} KiB) from {ip}").__call__
    LV = {"I": "INFO", "M": "INFO", "D": "DEBUG", "WARN": "WARNING", "ERROR": "ERROR", "FATAL": "CRITICAL"}
    rnd, ap, K, tr = g.rnd, g.parts.append, g.clock, g.traces

    def render(cls):
        key, (logger, msg) = g.sel(cls, P)
        if cls is None and rnd() < LATIN_SHARE * 4:
            lg, m = latin().split("|", 1)
            ap("%s,%03d - %s - INFO - %s\n" % (K.space, K.us // 1000, lg, m))
            g.latin += 1
            return None
        ap("%s,%03d - %s - %s - %s\n" % (K.space, K.us // 1000, logger(), LV[key], msg()))
        if cls is not None:
            x = rnd()
            if (cls == "ERROR" and x < 0.5) or (cls == "FATAL" and x < 0.4) or (cls == "WARN" and x < 0.03):
                ap(g.py_traceback())
                tr["multiline"] += 1
        return cls
    return render


def b_flask_docker(g: _Gen):
    P = g.c.pools({
        "I": ["views|Order {uuid} created for {email} ({s} items)",
              "views|Listed {n} products for category {svc} page {s}",
              "auth|User {user} logged in from {ip}",
              "tasks|Queued thumbnail job {hex16} for /media/{hex8}.jpg"],
        "D": ["db|Query took {ms} ms: SELECT * FROM products WHERE category = '{svc}' LIMIT {s}0"],
        "M": ["views|Form errors: 0, warnings: 0 for order {uuid}",
              "auth|Password reset requested for {email} after failed attempts were cleared"],
        "WARN": ["views|Stock for {sku} is below threshold ({s} left)",
                 "auth|Invalid CSRF token for session {hex16} from {ip}",
                 "views|Slow request: {method} {path} took {ms}ms"],
        "ERROR": ["app|Exception on {path} [{method}]",
                  "tasks|Thumbnail job {hex16} failed: PIL.UnidentifiedImageError: cannot identify image file "
                  "'/media/{hex8}.jpg'"],
        "FATAL": ["app|Cannot connect to database {db} at {host}:5432, giving up after {s} attempts"],
    }, sep="|")
    G = g.c.pools({
        "I": ["Booting worker with pid: {pid}", "Listening at: http://0.0.0.0:{port} ({pid})",
              "Worker exiting (pid: {pid})"],
        "WARN": ["Worker with pid {pid} was terminated due to signal {s}"],
        "ERROR": ["Worker (pid:{pid}) was sent SIGKILL! Perhaps out of memory?"],
        "FATAL": ["WORKER TIMEOUT (pid:{pid})"],
    })
    LV = {"I": "INFO", "M": "INFO", "D": "DEBUG", "WARN": "WARNING", "ERROR": "ERROR", "FATAL": "CRITICAL"}
    rnd, K, tr, ev, pk = g.rnd, g.clock, g.traces, g.events, g.pk

    def render(cls):
        if rnd() < 0.15:                        # gunicorn's own error log lines
            key = "I" if cls is None else cls
            text = "[%s +0000] [%d] [%s] %s\n" % (K.space, int(rnd() * 90000) + 7, LV[key], pk(G[key])())
            g.docker(text, "stderr")
            return cls
        key, (module, msg) = g.sel(cls, P)
        text = "[%s,%03d] %s in %s: %s\n" % (K.space, K.us // 1000, LV[key], module(), msg())
        if cls is None:
            if rnd() < 0.006:                   # an uncaught exception in a worker thread: a bare traceback
                text += g.py_traceback()
                ev["ERROR"] += 1
                tr["multiline"] += 1
        elif cls == "ERROR" and (rnd() < 0.7):
            text += g.py_traceback("flask")
            tr["multiline"] += 1
        g.docker(text, "stderr")
        return cls
    return render


def b_logrus(g: _Gen):
    P = g.c.pools({
        "I": ["Synced {n} objects from bucket {bucket}|component=syncer duration={dur} run_id={uuid}",
              "Accepted connection from {ip}:{port}|component=proxy conn_id={n}",
              "Loaded configuration from {file}|component=config checksum={sha}",
              "Lease renewed for node {node}|component=cluster term={n} ttl={sec}s",
              "Published {n} messages to {topic}|component=publisher batch={hex8} bytes={size}"],
        "D": ["cache lookup|component=cache key={svc}:{oid} hit=true latency={dur}"],
        "M": ["Retried {s} failed uploads successfully|component=syncer run_id={uuid}",
              "error budget remaining {pct}% for {svc}|component=slo window=30d",
              "Set log level to warning for component {svc}|component=config by={user}"],
        "WARN": ["Slow response from upstream {host}:{port}|component=proxy duration={dur} path={path}",
                 "Failed to renew lease for node {node}, retrying|component=cluster attempt={s} "
                 "error=\"context deadline exceeded\"",
                 "Object {key} skipped: checksum mismatch|component=syncer bucket={bucket} expected={sha}",
                 "Config key {svc}.timeout is deprecated, use {svc}.request_timeout|component=config file={file}"],
        "ERROR": ["Upload failed|component=syncer bucket={bucket} key={key} error=\"RequestError: send request "
                  "failed caused by: Put \\\"https://{bucket}.s3.amazonaws.com/{key}\\\": dial tcp {ip}:443: i/o "
                  "timeout\"",
                  "Failed to publish batch {hex8} to {topic}|component=publisher error=\"kafka: client has run out "
                  "of available brokers to talk to: EOF\"",
                  "Health check of backend {host} failed|component=proxy status={status5} duration={dur}"],
        "FATAL": ["Cannot start: listen tcp :{port}: bind: address already in use|component=server pid={pid}",
                  "Unable to open state database {file}: resource temporarily unavailable|component=store"],
    }, sep="|")
    LV = {"I": "info", "M": "info", "D": "debug", "WARN": "warning", "ERROR": "error", "FATAL": "fatal"}
    ap, K = g.parts.append, g.clock

    def render(cls):
        key, (msg, fields) = g.sel(cls, P)
        m = msg()
        ap('time="%sZ" level=%s msg="%s" %s\n' % (K.iso, LV[key], m.replace('"', '\\"') if '"' in m else m, fields()))
        return cls
    return render


def b_zap_cri(g: _Gen):
    P = g.c.pools({
        "I": ["api/server.go:98|request completed|\"method\":\"{method}\",\"path\":\"{path}\",\"status\":200,"
              "\"duration\":{flt},\"request_id\":\"{uuid}\"",
              "ledger/post.go:61|ledger entry posted|\"entry_id\":\"{uuid}\",\"account\":\"acc_{hex12}\","
              "\"amount_cents\":{n}",
              "kafka/consumer.go:144|consumer group rebalanced|\"group\":\"{svc}-ledger\",\"partitions\":{k},"
              "\"generation\":{n}",
              "store/snapshot.go:77|snapshot written|\"path\":\"{file}\",\"bytes\":{size},\"duration\":\"{dur}\"",
              "grpc/interceptor.go:51|finished unary call|\"grpc.method\":\"/ledger.v1.Ledger/Post\","
              "\"grpc.code\":\"OK\",\"peer\":\"{ip}:{port}\",\"grpc.time_ms\":{flt}"],
        "D": ["cache/cache.go:33|cache miss|\"key\":\"acct:{oid}\",\"ttl\":\"{dur}\""],
        "M": ["api/retry.go:40|retry succeeded|\"attempt\":{s},\"previous_error\":\"connection reset by peer\","
              "\"op\":\"post-{hex8}\"",
              "metrics/slo.go:88|errors counter reset|\"window\":\"{dur}\",\"errors\":0,\"requests\":{n}"],
        "WARN": ["store/query.go:203|slow query|\"query\":\"SELECT balance FROM accounts WHERE id = $1\","
                 "\"duration\":\"{dur}\",\"account\":\"acc_{hex12}\"",
                 "api/ratelimit.go:57|rate limited|\"client_ip\":\"{ip}\",\"path\":\"{path}\",\"limit\":100,"
                 "\"window\":\"1m\"",
                 "grpc/interceptor.go:51|finished unary call|\"grpc.method\":\"/ledger.v1.Ledger/Get\","
                 "\"grpc.code\":\"DeadlineExceeded\",\"peer\":\"{ip}:{port}\",\"grpc.time_ms\":{ms}",
                 "auth/token.go:112|failed to refresh token, using cached one|\"issuer\":\"https://{host}/oauth2\","
                 "\"expires_in\":\"{dur}\""],
        "ERROR": ["ledger/post.go:88|failed to post ledger entry|\"entry_id\":\"{uuid}\",\"error\":\"pq: could not "
                  "serialize access due to concurrent update\"",
                  "grpc/interceptor.go:51|finished unary call|\"grpc.method\":\"/ledger.v1.Ledger/Post\","
                  "\"grpc.code\":\"Internal\",\"peer\":\"{ip}:{port}\",\"error\":\"rpc error: code = Internal desc = "
                  "{hex8}: balance overflow\"",
                  "kafka/producer.go:71|kafka publish failed|\"topic\":\"{topic}\",\"partition\":{part},\"error\":"
                  "\"kafka server: Request exceeded the user-specified time limit in the request\""],
        "FATAL": ["cmd/ledger/main.go:44|cannot open database|\"dsn\":\"postgres://{user}@{host}:5432/{db}\","
                  "\"error\":\"dial tcp {ip}:5432: connect: connection refused\"",
                  "cmd/ledger/main.go:61|failed to load TLS certificate|\"cert\":\"/etc/tls/tls.crt\",\"error\":"
                  "\"open /etc/tls/tls.crt: no such file or directory\",\"pid\":{pid}"],
    }, sep="|")
    LV = {"I": "info", "M": "info", "D": "debug", "WARN": "warn", "ERROR": "error", "FATAL": "fatal"}
    stack = _jstr(_GO_ZAP_STACK)
    rnd, K, tr = g.rnd, g.clock, g.traces

    def render(cls):
        if cls == "FATAL" and rnd() < 0.35 or cls is None and rnd() < 0.006:
            # a Go runtime crash (panic:, fatal error:) right after an ordinary info line
            _, (caller, msg, fields) = g.sel(None, P)
            text = '{"level":"info","ts":%d.%06d,"caller":"%s","msg":%s,%s}\n' % (K.sec, K.us, caller(), _jstr(msg()),
                                                                                  fields())
            g.cri(text, "stderr")
            g.cri(g.go_dump(), "stderr")
            tr["multiline"] += 1
            if cls is None:
                g.events["FATAL"] += 1
            return cls
        key, (caller, msg, fields) = g.sel(cls, P)
        extra = ""
        if cls == "ERROR" and rnd() < 0.5:      # zap's production config adds a stacktrace field to errors
            extra = ',"stacktrace":' + stack
            tr["json_field"] += 1
        text = '{"level":"%s","ts":%d.%06d,"caller":"%s","msg":%s,%s%s}\n' % (LV[key], K.sec, K.us, caller(),
                                                                               _jstr(msg()), fields(), extra)
        g.cri(text, "stderr")
        return cls
    return render


def b_klog_cri(g: _Gen):
    P = g.c.pools({
        "I": ["event.go:307|\"Event occurred\" object=\"{ns}/{pod}\" fieldPath=\"\" kind=\"Pod\" apiVersion=\"v1\" "
              "type=\"Normal\" reason=\"Scheduled\" message=\"Successfully assigned {ns}/{pod} to {node}\"",
              "range_allocator.go:380|\"Set node PodCIDR\" node=\"{node}\" podCIDRs=[\"10.{part}.{s}.0/24\"]",
              "replica_set.go:676|\"Finished syncing\" kind=\"ReplicaSet\" key=\"{ns}/{pod}\" duration=\"{dur}\"",
              "leaderelection.go:260|successfully acquired lease kube-system/{svc}-controller-{hex8}",
              "garbagecollector.go:475|\"Processing item\" item=\"[v1/Pod, namespace: {ns}, name: {pod}, uid: "
              "{uuid}]\" virtual=false"],
        "D": ["round_trippers.go:553|\"Response\" verb=\"GET\" url=\"https://{ip}:6443/api/v1/namespaces/{ns}/pods/"
              "{pod}\" status=\"200 OK\" milliseconds={ms}"],
        "M": ["cronjob_controllerv2.go:521|\"Job finished\" cronjob=\"{ns}/{svc}-backup\" job=\"{svc}-backup-{n}\" "
              "status=\"Failed\" reason=\"BackoffLimitExceeded\"",
              "controller.go:187|\"Retrying after error\" key=\"{ns}/{svc}\" attempt={s} lastError=\"none\""],
        "WARN": ["reflector.go:539|k8s.io/client-go/informers/factory.go:159: watch of *v1.Pod ended with: an error "
                 "on the server (\"unable to decode an event from the watch stream: http2: client connection lost\") "
                 "has prevented the request from succeeding (resourceVersion {n})",
                 "warnings.go:70|spec.template.spec.containers[{s}].resources.limits[memory]: fractional byte value "
                 "\"{n}m\" is invalid, must be an integer",
                 "node_lifecycle_controller.go:1188|\"Node is unresponsive. Adding it to the Taint queue\" "
                 "node=\"{node}\" timeStamp=\"{sec}s\"",
                 "endpointslice_controller.go:311|\"Error syncing endpoint slices for service, retrying\" "
                 "key=\"{ns}/{svc}\" err=\"EndpointSlice informer cache is out of date\" generation={n}"],
        "ERROR": ["reflector.go:147|k8s.io/client-go/informers/factory.go:159: Failed to watch *v1.Endpoints: failed "
                  "to list *v1.Endpoints: Get \"https://{ip}:6443/api/v1/endpoints?limit=500&resourceVersion={n}\": "
                  "dial tcp {ip}:6443: connect: connection refused",
                  "leaderelection.go:332|error retrieving resource lock kube-system/kube-controller-manager: Get "
                  "\"https://{ip}:6443/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/"
                  "kube-controller-manager?timeout=5s\": context deadline exceeded",
                  "pod_workers.go:1300|\"Error syncing pod, skipping\" err=\"failed to \\\"StartContainer\\\" for "
                  "\\\"{svc}\\\" with CrashLoopBackOff: \\\"back-off {sec}s restarting failed container={svc} "
                  "pod={pod}_{ns}({uuid})\\\"\" pod=\"{ns}/{pod}\" podUID=\"{uuid}\""],
        "FATAL": ["server.go:224|failed to run Kubelet: validate service connection: dial unix "
                  "/run/containerd/containerd.sock: connect: no such file or directory (after {ms}ms)",
                  "controllermanager.go:243|error building controller context: failed to wait for apiserver being "
                  "healthy: timed out waiting for the condition after {sec}s"],
    }, sep="|")
    LV = {"I": "I", "M": "I", "D": "I", "WARN": "W", "ERROR": "E", "FATAL": "F"}
    rnd, K = g.rnd, g.clock

    def render(cls):
        key, (fileline, msg) = g.sel(cls, P)
        tid = 1 if rnd() < 0.7 else int(rnd() * 90) + 10
        g.cri("%s%s.%06d %7d %s] %s\n" % (LV[key], K.klog, K.us, tid, fileline(), msg()), "stderr")
        return cls
    return render


def b_logfmt_cri(g: _Gen):
    P = g.c.pools({
        "I": ["head.go:1293|Head GC completed|component=tsdb caller_duration={flt}ms",
              "compact.go:519|write block|component=tsdb mint={big}000 maxt={big}000 ulid={ulid} duration={flt}s",
              "checkpoint.go:100|Creating checkpoint|component=tsdb from_segment={n} to_segment={n} mint={big}000",
              "flush.go:167|flushing stream|org_id={n} fp={hex16} immediate=false num_chunks={s} "
              "labels=\"{{app=\\\"{svc}\\\", namespace=\\\"{ns}\\\"}}\"",
              "main.go:1125|Server is ready to receive web requests.|listen_address=0.0.0.0:{port}"],
        "D": ["scrape.go:1400|Scrape finished|component=\"scrape manager\" target=http://{ip}:9100/metrics "
              "samples={n} duration={flt}ms"],
        "M": ["engine.go:720|query stats|query=\"rate(http_requests_total{{code=~\\\"5..\\\"}}[5m])\" errors=0 "
              "samples={n} duration={flt}ms",
              "retention.go:61|retention pass done|deleted_blocks={s} failed_deletions=0 duration={flt}s"],
        "WARN": ["scrape.go:1313|Append failed|component=\"scrape manager\" scrape_pool={svc} "
                 "target=http://{ip}:{port}/metrics err=\"out of bounds\"",
                 "scrape.go:1654|Error on ingesting out-of-order samples|component=\"scrape manager\" "
                 "scrape_pool={svc} target=http://{ip}:9100/metrics num_dropped={n}",
                 "klog.go:108|k8s.io/client-go/tools/cache/reflector.go:229: watch of *v1.Pod ended with: very short "
                 "watch|component=k8s_client_runtime resource_version={n}",
                 "push.go:160|per-stream rate limit exceeded|tenant={n} stream=\"{{app=\\\"{svc}\\\"}}\" bytes={size}"],
        "ERROR": ["notifier.go:532|Error sending alert|component=notifier "
                  "alertmanager=http://{ip}:9093/api/v2/alerts count={s} err=\"Post "
                  "\\\"http://{ip}:9093/api/v2/alerts\\\": context deadline exceeded\"",
                  "manager.go:661|Error while evaluating rule|component=\"rule manager\" group={svc}.rules "
                  "rule=\"{svc}:latency:p99\" err=\"query timed out in expression evaluation\" duration={flt}s",
                  "queue_manager.go:1531|non-recoverable error|remote_name={hex8} url=https://{host}/api/v1/push "
                  "count={n} exemplarCount=0 err=\"server returned HTTP status 400 Bad Request: out of order sample\""],
    }, sep="|")
    P["FATAL"] = P["ERROR"]                     # go-kit's level package has no fatal
    LV = {"I": "info", "M": "info", "D": "debug", "WARN": "warn", "ERROR": "error"}
    rnd, K = g.rnd, g.clock

    def render(cls):
        key, (caller, msg, fields) = g.sel(cls, P)
        if key == "FATAL":
            key = cls = "ERROR"
        m = msg()
        m = '"%s"' % m if " " in m else m
        ts = "%s.%03dZ" % (K.iso, K.us // 1000)
        x = rnd()
        if x < 0.45:
            line = "ts=%s caller=%s level=%s msg=%s %s\n" % (ts, caller(), LV[key], m, fields())
        elif x < 0.85:
            line = "ts=%s caller=%s %s level=%s msg=%s\n" % (ts, caller(), fields(), LV[key], m)
        else:
            line = "level=%s ts=%s caller=%s msg=%s %s\n" % (LV[key], ts, caller(), m, fields())
        g.cri(line, "stderr")
        return cls
    return render


def b_pino_cri(g: _Gen):
    P = g.c.pools({
        "I": ["request completed|\"req\":{{\"id\":\"req-{n}\",\"method\":\"{method}\",\"url\":\"{path}\"}},"
              "\"res\":{{\"statusCode\":200}},\"responseTime\":{ms}",
              "incoming request|\"req\":{{\"id\":\"req-{n}\",\"method\":\"{method}\",\"url\":\"{path}\","
              "\"remoteAddress\":\"{ip}\",\"remotePort\":{port}}}",
              "cart saved|\"cartId\":\"{uuid}\",\"items\":{s},\"userId\":\"{hex12}\"",
              "webhook delivered|\"webhookId\":\"wh_{hex16}\",\"target\":\"https://{host}/hooks\",\"attempt\":1,"
              "\"ms\":{ms}",
              "job completed|\"queue\":\"{svc}\",\"jobId\":\"{n}\",\"durationMs\":{ms}"],
        "D": ["cache get|\"key\":\"sess:{hex16}\",\"hit\":true"],
        "M": ["validation summary|\"errors\":0,\"warnings\":0,\"checked\":{n},\"batch\":\"{hex8}\"",
              "webhook delivered|\"webhookId\":\"wh_{hex16}\",\"previousError\":\"ECONNRESET\",\"attempt\":{s}"],
        "WARN": ["request completed|\"req\":{{\"id\":\"req-{n}\",\"method\":\"{method}\",\"url\":\"{path}\"}},"
                 "\"res\":{{\"statusCode\":{status4}}},\"responseTime\":{ms}",
                 "slow request|\"url\":\"{path}\",\"responseTime\":{ms},\"threshold\":1000",
                 "deprecated API version used|\"apiVersion\":\"2019-0{s}-01\",\"clientId\":\"cli_{hex12}\"",
                 "retrying webhook|\"webhookId\":\"wh_{hex16}\",\"attempt\":{s},\"error\":\"ETIMEDOUT\""],
        "ERROR": ["request errored|\"req\":{{\"id\":\"req-{n}\",\"method\":\"{method}\",\"url\":\"{path}\"}},"
                  "\"res\":{{\"statusCode\":500}}",
                  "failed to process job|\"queue\":\"{svc}\",\"jobId\":\"{n}\"",
                  "upstream unavailable|\"upstream\":\"http://{svc}:8080\",\"code\":\"ECONNREFUSED\","
                  "\"address\":\"{ip}\",\"port\":8080"],
        "FATAL": ["uncaught exception, exiting|\"pid\":{pid}",
                  "heap limit reached|\"heapUsed\":{size},\"heapLimit\":4345298944"],
    }, sep="|")
    c = g.c
    big_item = c('{{"sku":"{sku}","qty":{s},"price":{amount},"note":"{hex16}{hex16}"}}')
    errmsgs = [c("Cannot read properties of undefined (reading 'id') in job {n}"),
               c("connect ECONNREFUSED {ip}:5432"), c("Request failed with status code {status5}")]
    LV = {"I": 30, "M": 30, "D": 20, "WARN": 40, "ERROR": 50, "FATAL": 60}
    rnd, K, tr, pk = g.rnd, g.clock, g.traces, g.pk
    pods = [g.ns["pod"]() for _ in range(6)]

    def render(cls):
        key, (msg, fields) = g.sel(cls, P)
        head = '{"level":%d,"time":%d%03d,"pid":1,"hostname":"%s"' % (LV[key], K.sec, K.us // 1000, pk(pods))
        if rnd() < 0.008:                       # a request body logged whole: longer than a CRI line (16 KiB)
            k = int(rnd() * 110) + 225 if rnd() < 0.9 else int(rnd() * 300) + 450
            items = ",".join(big_item() for _ in range(k))
            line = '%s,"msg":"request body","body":{"items":[%s]}}\n' % (head, items)
            g.cri(line, "stdout")
            return cls
        extra = ""
        if cls in ("ERROR", "FATAL") and rnd() < 0.6:
            extra = ',"err":' + g.js_err(pk(["Error", "TypeError", "AxiosError"]), pk(errmsgs)())
            tr["json_field"] += 1
        g.cri("%s,%s,\"msg\":%s%s}\n" % (head, fields(), _jstr(msg()), extra), "stdout")
        return cls
    return render


def b_dotnet_cri(g: _Gen):
    P = g.c.pools({
        "I": ["Microsoft.Hosting.Lifetime[14]|Now listening on: http://[::]:{port}",
              "Microsoft.AspNetCore.Hosting.Diagnostics[1]|Request starting HTTP/1.1 {method} http://{host}{path} - - -",
              "Microsoft.AspNetCore.Hosting.Diagnostics[2]|Request finished HTTP/1.1 {method} http://{host}{path} - "
              "200 {n} application/json;+charset=utf-8 {flt}ms",
              "Acme.Orders.Services.OrderService[0]|Order {oid} placed by {email} ({s} lines)",
              "Microsoft.EntityFrameworkCore.Database.Command[20101]|Executed DbCommand ({ms}ms) "
              "[Parameters=[@__id_0='{uuid}'], CommandType='Text', CommandTimeout='30']\n"
              "SELECT o.\"Id\", o.\"Reference\", o.\"Status\"\nFROM \"Orders\" AS o\nWHERE o.\"Id\" = @__id_0\nLIMIT 1"],
        "D": ["Microsoft.AspNetCore.Routing.EndpointMiddleware[1]|Executing endpoint 'Acme.Orders.Controllers."
              "OrdersController.Get (Acme.Orders)' for {path}"],
        "M": ["Acme.Orders.Health.DbHealthCheck[0]|Health check 'db' completed with 0 errors in {ms}ms",
              "Microsoft.AspNetCore.Hosting.Diagnostics[2]|Request finished HTTP/1.1 {method} http://{host}/error - "
              "500 {n} application/problem+json {flt}ms"],
        "WARN": ["Microsoft.AspNetCore.HttpsPolicy.HttpsRedirectionMiddleware[3]|Failed to determine the https port "
                 "for redirect. (request {HEX})",
                 "Acme.Orders.Clients.PaymentClient[0]|Payment gateway responded in {ms}ms for order {oid}, above "
                 "threshold",
                 "Microsoft.AspNetCore.DataProtection.KeyManagement.XmlKeyManager[35]|No XML encryptor configured. "
                 "Key {{{uuid}}} may be persisted to storage in unencrypted form.",
                 "Microsoft.EntityFrameworkCore.Query[20504]|Compiling a query which loads related collections for "
                 "more than one collection navigation, either via 'Include' or through projection, but no "
                 "'QuerySplittingBehavior' has been configured. (query {hex8})"],
        "ERROR": ["Microsoft.AspNetCore.Diagnostics.ExceptionHandlerMiddleware[1]|An unhandled exception has occurred "
                  "while executing the request. (trace {trace})",
                  "Microsoft.EntityFrameworkCore.Database.Connection[20004]|An error occurred using the connection to "
                  "database '{db}' on server 'tcp://{host}:5432'.",
                  "Acme.Orders.Services.OrderService[0]|Order {oid} could not be saved"],
        "FATAL": ["Microsoft.AspNetCore.Hosting.Diagnostics[6]|Application startup exception (pid {pid})",
                  "Acme.Orders.Worker[0]|Worker {uuid} crashed, host is stopping"],
    }, sep="|")
    LV = {"I": "info", "M": "info", "D": "dbug", "WARN": "warn", "ERROR": "fail", "FATAL": "crit"}
    rnd, tr, pk = g.rnd, g.traces, g.pk

    def render(cls):
        key, (cat, msg) = g.sel(cls, P)
        m = msg()
        body = "      " + m.replace("\n", "\n      ") if "\n" in m else "      " + m
        text = "%s: %s\n%s\n" % (LV[key], cat(), body)
        if cls in ("ERROR", "FATAL") and rnd() < 0.6:
            head, frames = pk(g.net_exc)
            text += "      " + head().replace("\n", "\n      ") + "\n" + frames
            tr["multiline"] += 1
        g.cri(text, "stdout")
        return cls
    return render


def b_nginx_docker(g: _Gen):
    tail = "client: {ip}, server: {host}, request: \"{method} {path} HTTP/1.1\", upstream: \"http://{ip}:8080{path}\", host: \"{host}\""
    P = g.c.pools({
        "I": ["client {ip} closed keepalive connection (conn {n})"],
        "D": ["http keepalive handler, client {ip}"],
        "M": ["client timed out (110: Connection timed out) while waiting for request, client: {ip}, server: "
              "0.0.0.0:443",
              "client prematurely closed connection while reading client request line, client: {ip}, server: {host}"],
        "WARN": ["an upstream response is buffered to a temporary file /var/cache/nginx/proxy_temp/{s}/{part}/"
                 "{big} while reading upstream, " + tail,
                 "a client request body is buffered to a temporary file /var/cache/nginx/client_temp/{big}, client: "
                 "{ip}, server: {host}, request: \"POST {path} HTTP/1.1\", host: \"{host}\"",
                 "upstream server temporarily disabled while connecting to upstream, " + tail,
                 "using uninitialized \"{svc}_id\" variable while logging request, client: {ip}, server: {host}"],
        "ERROR": ["connect() failed (111: Connection refused) while connecting to upstream, " + tail,
                  "upstream timed out (110: Connection timed out) while reading response header from upstream, " + tail,
                  "open() \"/usr/share/nginx/html/{svc}/{hex8}.js\" failed (2: No such file or directory), client: "
                  "{ip}, server: {host}, request: \"GET /{svc}/{hex8}.js HTTP/1.1\", host: \"{host}\"",
                  "upstream prematurely closed connection while reading response header from upstream, " + tail,
                  "recv() failed (104: Connection reset by peer) while reading response header from upstream, " + tail,
                  "limiting requests, excess: {flt} by zone \"api\", client: {ip}, server: {host}, request: "
                  "\"GET {path} HTTP/1.1\", host: \"{host}\""],
        "FATAL": ["SSL_do_handshake() failed (SSL: error:0A00006C:SSL routines::bad key share) while SSL handshaking, "
                  "client: {ip}, server: 0.0.0.0:443",
                  "{n} worker_connections are not enough while connecting to upstream, " + tail],
    })
    emerg = g.c("host not found in upstream \"{svc}-api:8080\" in /etc/nginx/conf.d/{svc}.conf:{s}")
    notice = [g.c(t) for t in ["start worker process {pid}", "signal 17 (SIGCHLD) received from {pid}",
                               "worker process {pid} exited with code 0"]]
    access = g.c('{ip} - {login} [{clf} +0000] "{method} {path} HTTP/1.1" {astatus} {size} "https://{host}/" '
                 '"{ua}" "-"')
    LV = {"I": "info", "M": "info", "D": "debug", "WARN": "warn", "ERROR": "error"}
    rnd, K, pk = g.rnd, g.clock, g.pk

    def render(cls):
        if cls is None:
            x = rnd()
            if x < 0.7:                         # the access log (stdout): statuses, not levels
                g.docker(access() + "\n", "stdout")
                return None
            if x < 0.8:
                g.docker("%s [notice] 1#1: %s\n" % (K.slash, pk(notice)()), "stderr")
                return None
        key, msg = g.sel(cls, P)
        if key == "FATAL":
            x = rnd()
            if x < 0.3:
                g.docker("%s [emerg] 1#1: %s\n" % (K.slash, emerg()), "stderr")
                return cls
            lvl = "crit" if x < 0.7 else "alert"
        else:
            lvl = LV[key]
        w = int(rnd() * 8) + 22
        g.docker("%s [%s] %d#%d: *%d %s\n" % (K.slash, lvl, w, w, int(rnd() * 10 ** 7), msg()), "stderr")
        return cls
    return render


def b_apache(g: _Gen):
    cl = "[client {ip}:{port}] "
    P = g.c.pools({
        "I": ["ssl:info|" + cl + "AH01964: Connection to child {n} established (server {host}:443)",
              "mpm_event:notice|AH00489: Apache/2.4.58 (Unix) OpenSSL/3.0.11 configured -- resuming normal "
              "operations (generation {s})",
              "core:notice|AH00094: Command line: '/usr/sbin/httpd -D FOREGROUND' (pid {pid})",
              "mpm_event:notice|AH00492: caught SIGWINCH, shutting down gracefully (child {pid})"],
        "D": ["authz_core:debug|" + cl + "AH01626: authorization result of Require all granted: granted, referer: "
              "https://{host}{path}"],
        "M": ["ssl:info|" + cl + "AH02008: SSL library error 1 in handshake (server {host}:443)",
              "ssl:info|" + cl + "SSL Library Error: error:0A000416:SSL routines::sslv3 alert certificate unknown "
              "(session {hex16})"],
        "WARN": ["ssl:warn|AH01909: {host}:443:0 server certificate does NOT include an ID which matches the server "
                 "name (serial {HEX})",
                 "core:warn|AH00045: child process {pid} still did not exit, sending a SIGTERM",
                 "ssl:warn|" + cl + "AH02032: Hostname {host} provided via SNI and hostname {host} provided via HTTP "
                 "have no compatible SSL setup",
                 "proxy:warn|" + cl + "AH01144: No protocol handler was valid for the URL {path} (scheme 'ws'). If "
                 "you are using a DSO version of mod_proxy, make sure the proxy submodules are included in the "
                 "configuration using LoadModule."],
        "ERROR": ["proxy:error|(111)Connection refused: AH00957: HTTP: attempt to connect to {ip}:8080 ({host}) "
                  "failed",
                  "proxy_fcgi:error|" + cl + "AH01071: Got error 'PHP message: PHP Fatal error:  Uncaught Error: "
                  "Call to undefined function {svc}_init() in /var/www/html/{svc}/index.php:{n}'",
                  "authz_core:error|" + cl + "AH01630: client denied by server configuration: /var/www/html/.env",
                  "mpm_event:error|AH00484: server reached MaxRequestWorkers setting, consider raising the "
                  "MaxRequestWorkers setting (scoreboard {n})"],
        "FATAL": ["ssl:emerg|AH02572: Failed to configure at least one certificate and key for {host}:443",
                  "core:alert|" + cl + "/var/www/html/{svc}/.htaccess: Invalid command 'RewriteEngine', perhaps "
                  "misspelled or defined by a module not included in the server configuration"],
    }, sep="|")
    latin = g.c(cl + "AH00126: Invalid URI in request GET /uploads/{latin} HTTP/1.1")
    rnd, ap, K = g.rnd, g.parts.append, g.clock

    def render(cls):
        key, (lvl, msg) = g.sel(cls, P)
        if cls == "ERROR" and rnd() < LATIN_SHARE * 60:     # raw bytes of a request line, an ERROR event
            lv, m = "core:error", latin()
            g.latin += 1
        else:
            lv, m = lvl(), msg()
        ap("[%s.%06d %s] [%s] [pid %d:tid %d] %s\r\n" % (K.apache, K.us, K.year, lv, int(rnd() * 90000) + 100,
                                                         139_600_000_000_000 + int(rnd() * 10 ** 12), m))
        return cls
    return render


def b_bunyan(g: _Gen):
    P = g.c.pools({
        "I": ["push notification sent|\"deviceId\":\"{hex16}\",\"platform\":\"ios\",\"latencyMs\":{ms}",
              "email queued|\"to\":\"{email}\",\"template\":\"order-confirmation\","
              "\"messageId\":\"<{uuid}@mail.acme.io>\"",
              "digest built|\"userId\":{oid},\"items\":{s}",
              "sms delivered|\"provider\":\"twilio\",\"sid\":\"SM{trace}\",\"segments\":{s}"],
        "D": ["template rendered|\"template\":\"{svc}-digest\",\"ms\":{ms}"],
        "M": ["delivery report|\"sent\":{n},\"failed\":0,\"bounced\":{s}",
              "suppression list synced|\"added\":{s},\"errors\":0,\"source\":\"{svc}\""],
        "WARN": ["push token expired, removing device|\"deviceId\":\"{hex16}\",\"userId\":{oid}",
                 "provider throttled request|\"provider\":\"sendgrid\",\"retryAfter\":{sec}",
                 "template variable missing|\"template\":\"{svc}-digest\",\"variable\":\"firstName\",\"userId\":{oid}"],
        "ERROR": ["failed to send email|\"to\":\"{email}\"",
                  "apns connection error|\"code\":\"ECONNRESET\",\"host\":\"api.push.apple.com\",\"deviceId\":\"{hex16}\""],
        "FATAL": ["unhandled rejection, process exiting|\"pid\":{pid}"],
    }, sep="|")
    errmsg = g.c("Mail command failed: 550 5.1.1 <{email}>: Recipient address rejected")
    LV = {"I": 30, "M": 30, "D": 20, "WARN": 40, "ERROR": 50, "FATAL": 60}
    rnd, ap, K, tr = g.rnd, g.parts.append, g.clock, g.traces
    hosts = [g.ns["host"]() for _ in range(4)]

    def render(cls):
        key, (msg, fields) = g.sel(cls, P)
        f = fields()
        if cls in ("ERROR", "FATAL") and rnd() < 0.5:
            f += ',"err":' + g.js_err("Error", errmsg())
            tr["json_field"] += 1
        ap('{"name":"notify","hostname":"%s","pid":%d,"level":%d,%s,"msg":%s,"time":"%s.%03dZ","v":0}\n' % (
            hosts[int(rnd() * 4)], int(rnd() * 30000) + 100, LV[key], f, _jstr(msg()), K.iso, K.us // 1000))
        return cls
    return render


def b_serilog(g: _Gen):
    P = g.c.pools({
        "I": ["HTTP {{RequestMethod}} {{RequestPath}} responded {{StatusCode}} in {{Elapsed:0.0000}} ms|"
              "\"RequestMethod\":\"{method}\",\"RequestPath\":\"{path}\",\"StatusCode\":200,\"Elapsed\":{flt}",
              "Invoice {{InvoiceId}} generated for customer {{CustomerId}}|\"InvoiceId\":\"INV-{oid}\","
              "\"CustomerId\":{n}",
              "Job {{JobName}} completed in {{Duration}} ms|\"JobName\":\"{svc}-reconcile\",\"Duration\":{ms}"],
        "D": ["Cache {{CacheKey}} refreshed|\"CacheKey\":\"tariffs:{hex8}\""],
        "M": ["Reconciliation finished with {{ErrorCount}} errors and {{WarningCount}} warnings|\"ErrorCount\":0,"
              "\"WarningCount\":0,\"BatchId\":\"{uuid}\""],
        "WARN": ["HTTP {{RequestMethod}} {{RequestPath}} responded {{StatusCode}} in {{Elapsed:0.0000}} ms|"
                 "\"RequestMethod\":\"{method}\",\"RequestPath\":\"{path}\",\"StatusCode\":{status4},\"Elapsed\":{flt}",
                 "Retrying {{Operation}} in {{Delay}} (attempt {{Attempt}})|\"Operation\":\"ExportLedger\","
                 "\"Delay\":\"00:00:{s}0\",\"Attempt\":{s}",
                 "Invoice {{InvoiceId}} total mismatch: expected {{Expected}}, got {{Actual}}|"
                 "\"InvoiceId\":\"INV-{oid}\",\"Expected\":{amount},\"Actual\":{amount}"],
        "ERROR": ["HTTP {{RequestMethod}} {{RequestPath}} responded {{StatusCode}} in {{Elapsed:0.0000}} ms|"
                  "\"RequestMethod\":\"{method}\",\"RequestPath\":\"{path}\",\"StatusCode\":500,\"Elapsed\":{flt}",
                  "Failed to export ledger batch {{BatchId}}|\"BatchId\":\"{uuid}\""],
        "FATAL": ["Host terminated unexpectedly|\"ProcessId\":{pid}"],
    }, sep="|")
    LV = {"D": "Debug", "WARN": "Warning", "ERROR": "Error", "FATAL": "Fatal"}
    rnd, ap, K, tr, pk = g.rnd, g.parts.append, g.clock, g.traces, g.pk
    xmsg = g.c("System.TimeoutException: The operation has timed out after {ms}ms.")

    def render(cls):
        key, (mt, props) = g.sel(cls, P)
        lvl = LV.get(key)
        extra = ""
        if cls in ("ERROR", "FATAL") and rnd() < 0.5:
            head, frames = pk(g.net_exc)
            extra = ',"@x":' + _jstr(head() + "\n" + frames.replace("         at", "   at").rstrip("\n"))
            tr["json_field"] += 1
        ap('{"@t":"%s.%06d%dZ","@mt":%s%s,%s,"SourceContext":"Acme.Billing.Ledger","@tr":"%s","@sp":"%s"%s}\n' % (
            K.iso, K.us, int(rnd() * 10), _jstr(mt()), ',"@l":"%s"' % lvl if lvl else "", props(),
            "%032x" % g.bits(128), "%016x" % g.bits(64), extra))
        return cls
    return render


def b_syslog5424(g: _Gen):
    P = g.c.pools({
        "I": ["consul|-|[INFO]  agent: Synced service: service={svc}-{k}",
              "vault|-|[INFO]  core: successfully mounted: type=kv version=\"v2.1.0\" path={svc}/ namespace=\"ID: "
              "root. Path: \"",
              "app|ACCESS|[meta@32473 requestId=\"{uuid}\" tenant=\"{n}\"] {method} {path} 200 {ms}ms",
              "cron|-|(root) CMD (/usr/local/bin/{svc}-rotate.sh --keep {s})"],
        "D": ["consul|-|[DEBUG] agent: Check status updated: check=service:{svc}-{k} status=passing"],
        "M": ["app|ACCESS|[meta@32473 requestId=\"{uuid}\" tenant=\"{n}\"] {method} {path} 500 {ms}ms "
              "(upstream error)",
              "vault|-|[INFO]  expiration: revoked lease: lease_id=auth/kubernetes/login/{hex16} after failed renew"],
        "WARN": ["consul|-|[WARN]  agent: Check is now critical: check=service:{svc}-{k}",
                 "consul|-|[WARN]  agent.server.raft: heartbeat timeout reached, starting election: "
                 "last-leader-addr={ip}:8300 last-leader-id={uuid}",
                 "app|AUDIT|[meta@32473 requestId=\"{uuid}\" tenant=\"{n}\"] token for {user} expires in {sec}s"],
        "ERROR": ["consul|-|[ERROR] agent.anti_entropy: failed to sync remote state: error=\"No known Consul "
                  "servers\" index={n}",
                  "consul|-|[ERROR] agent.client: RPC failed to server: method=Catalog.Register server={ip}:8300 "
                  "error=\"rpc error making call: EOF\"",
                  "vault|-|[ERROR] core: failed to acquire lock: error=\"context deadline exceeded\" "
                  "lock=core/lock/{hex8}"],
        "FATAL": ["app|-|out of file descriptors: {n} open, limit 1024",
                  "vault|-|[ERROR] core: barrier unsealed but keyring unreadable, sealing: key={hex16}"],
    }, sep="|")
    SEV = {"I": (6, 5), "M": (6, 5), "D": (7, 7), "WARN": (4, 4), "ERROR": (3, 3), "FATAL": (2, 0)}
    FAC = {"consul": 16, "vault": 16, "app": 17, "cron": 9}
    rnd, ap, K = g.rnd, g.parts.append, g.clock
    hosts = [g.ns["host"]() for _ in range(6)]

    def render(cls):
        key, (app, msgid, msg) = g.sel(cls, P)
        a = app()
        lo, hi = SEV[key]
        sev = lo if rnd() < 0.6 else hi
        m = msg()
        ap("<%d>1 %s.%06dZ %s %s %d %s %s\n" % (FAC[a] * 8 + sev, K.iso, K.us, hosts[int(rnd() * 6)], a,
                                               int(rnd() * 60000) + 100, msgid(),
                                               m if m.startswith("[meta@") else "- " + m))
        return cls
    return render


def b_syslog3164(g: _Gen):
    P = g.c.pools({
        "I": ["sshd|4|Accepted publickey for {user} from {ip} port {port} ssh2: ED25519 SHA256:{b64}",
              "CRON|9|(root) CMD (/usr/local/bin/{svc}-backup.sh > /dev/null 2>&1 # job {hex8})",
              "postfix/smtpd|2|connect from unknown[{ip}]",
              "haproxy|16|{ip}:{port} [{s}/Nov/2026:10:{part}:{part}.{n}] fe_https~ be_{svc}/{svc}-{s} 0/0/{s}/{ms}/"
              "{ms} 200 {size} - - ---- {s}/{s}/0/0/0 0/0 \"GET {path} HTTP/1.1\"",
              "systemd|3|Started Session {n} of User {user}."],
        "D": ["dhclient|3|DHCPREQUEST for {ip} on eth0 to {ip} port 67 (xid=0x{hex8})"],
        "M": ["sshd|4|pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost={ip}  "
              "user={user}",
              "sshd|4|Failed password for invalid user {user} from {ip} port {port} ssh2",
              "haproxy|16|{ip}:{port} [{s}/Nov/2026:10:{part}:{part}.{n}] fe_https~ be_{svc}/{svc}-{s} 0/0/{s}/{ms}/"
              "{ms} 503 {size} - - ---- {s}/{s}/0/0/0 0/0 \"GET {path} HTTP/1.1\""],
        "WARN": ["postfix/smtpd|2|warning: hostname {svc}-{n}.dynamic.isp.net does not resolve to address {ip}: Name "
                 "or service not known",
                 "kernel|0|TCP: request_sock_TCP: Possible SYN flooding on port {port}. Sending cookies.  Check SNMP "
                 "counters. (src {ip})",
                 "haproxy|16|Server be_{svc}/{svc}-{s} is going DOWN for maintenance. {s} active and 0 backup servers "
                 "left. {k} sessions active, 0 requeued, 0 remaining in queue."],
        "ERROR": ["sshd|4|error: maximum authentication attempts exceeded for invalid user {user} from {ip} port {port} "
                  "ssh2 [preauth]",
                  "kernel|0|Out of memory: Killed process {pid} (java) total-vm:{size}kB, anon-rss:{size}kB, "
                  "file-rss:{n}kB, shmem-rss:0kB, UID:1000 pgtables:{n}kB oom_score_adj:0",
                  "sshd|4|error: Bind to port {port} on 0.0.0.0 failed: Address already in use."],
        "FATAL": ["haproxy|16|backend be_{svc} has no server available! (since {sec}s)",
                  "kernel|0|EXT4-fs error (device sd{s}): ext4_find_entry:1455: inode #{n}: comm {svc}: reading "
                  "directory lblock 0"],
    }, sep="|")
    latin = g.c("sshd|4|Invalid user {latinuser} from {ip} port {port}")
    SEV = {"I": 6, "M": 5, "D": 7, "WARN": 4, "ERROR": 3, "FATAL": 2}
    rnd, ap, K = g.rnd, g.parts.append, g.clock
    hosts = [g.ns["host"]().split(".")[0] for _ in range(6)]

    def render(cls):
        key, (tag, fac, msg) = g.sel(cls, P)
        sev = SEV[key]
        if cls is None and rnd() < LATIN_SHARE * 4:     # sshd logs the user name as it was sent
            t, f, m = latin().split("|", 2)
            sev = 6
            g.latin += 1
        else:
            t, f, m = tag(), fac(), msg()
        if cls == "FATAL" and rnd() < 0.4:
            sev = 0 if rnd() < 0.5 else 1
        ap("<%d>%s %s %s%s: %s\n" % (int(f) * 8 + sev, K.b3164, hosts[int(rnd() * 6)], t,
                                     "" if t == "kernel" else "[%d]" % (int(rnd() * 4_000_000) + 100), m))
        return cls
    return render


def b_journald(g: _Gen):
    P = g.c.pools({
        "I": ["systemd|Started {svc}-worker@{s}.service - {Svc} worker {s}.",
              "systemd|session-{n}.scope: Deactivated successfully.",
              "sshd|Accepted publickey for {user} from {ip} port {port} ssh2: RSA SHA256:{b64}",
              "kernel|IPv6: ADDRCONF(NETDEV_CHANGE): veth{hex8}: link becomes ready",
              "CRON|pam_unix(cron:session): session opened for user root(uid=0) by root(uid=0) (job {n})",
              "containerd|shim disconnected id={sha} namespace=k8s.io"],
        "D": ["systemd|{svc}.service: Trying to enqueue job {svc}.service/start/replace (job {n})"],
        "M": ["sshd|Failed password for invalid user {user} from {ip} port {port} ssh2",
              "systemd|Starting {Svc} error report collector (run {n})...",
              "kernel|EDAC MC0: 0 CE memory read errors on CPU_SrcID#0_Ha#0 (scan {n})"],
        "WARN": ["kernel|nvme nvme{s}: I/O {n} QID {s} timeout, aborting",
                 "systemd|{svc}-worker@{s}.service: Failed with result 'exit-code'. (restarts {s})",
                 "kernel|TCP: out of memory -- consider tuning tcp_mem (orphans {n})"],
        "ERROR": ["systemd|Failed to start {svc}-worker@{s}.service - {Svc} worker {s}.",
                  "kernel|blk_update_request: I/O error, dev sd{s}, sector {big} op 0x0:(READ) flags 0x0 phys_seg 1 "
                  "prio class 0",
                  "kernel|Out of memory: Killed process {pid} (python3) total-vm:{size}kB, anon-rss:{size}kB, "
                  "file-rss:0kB, shmem-rss:0kB, UID:1000 pgtables:{n}kB oom_score_adj:0"],
        "FATAL": ["kernel|EXT4-fs error (device nvme0n1p{s}): ext4_find_entry:1455: inode #{n}: comm {svc}: reading "
                  "directory lblock 0",
                  "systemd-coredump|Process {pid} ({svc}) of user 1000 dumped core."],
    }, sep="|")
    PRI = {"I": "6", "M": "6", "D": "7", "WARN": "4", "ERROR": "3", "FATAL": "2"}
    rnd, bits, ap, K = g.rnd, g.bits, g.parts.append, g.clock
    machines = [("%032x" % bits(128), "%032x" % bits(128), "%032x" % bits(128), g.ns["host"]().split(".")[0])
                for _ in range(5)]
    seq = [int(rnd() * 10 ** 6)]

    def render(cls):
        key, (ident, msg) = g.sel(cls, P)
        ident = ident()
        seqid, boot, machine, host = machines[int(rnd() * 5)]
        seq[0] += 1
        us = K.sec * 1_000_000 + K.us
        pri = PRI[key]
        if cls == "FATAL" and rnd() < 0.3:
            pri = "1" if rnd() < 0.5 else "0"
        mono = 10 ** 9 + us % 10 ** 11
        if ident == "kernel":
            proc = '"_TRANSPORT":"kernel","SYSLOG_FACILITY":"0","SYSLOG_IDENTIFIER":"kernel","_SOURCE_MONOTONIC_TIMESTAMP":"%d"' % (mono - 77)
        else:
            pid = 1 if ident == "systemd" else int(rnd() * 4_000_000) + 100
            unit = "init.scope" if pid == 1 else "%s.service" % ident.lower()
            proc = ('"_TRANSPORT":"%s","SYSLOG_FACILITY":"3","SYSLOG_IDENTIFIER":"%s","_PID":"%d","_UID":"0",'
                    '"_GID":"0","_COMM":"%s","_SYSTEMD_CGROUP":"/system.slice/%s","_SYSTEMD_UNIT":"%s"' %
                    ("journal" if pid == 1 else "syslog", ident, pid, ident.lower()[:15], unit, unit))
        ap('{"__CURSOR":"s=%s;i=%x;b=%s;m=%x;t=%x;x=%016x","__REALTIME_TIMESTAMP":"%d","__MONOTONIC_TIMESTAMP":"%d",'
           '"_BOOT_ID":"%s","_MACHINE_ID":"%s","_HOSTNAME":"%s","PRIORITY":"%s",%s,"MESSAGE":%s}\n' % (
               seqid, seq[0], boot, mono, us, bits(64), us, mono, boot, machine, host, pri, proc, _jstr(msg())))
        return cls
    return render


def b_postgres(g: _Gen):
    P = g.c.pools({
        "I": ["checkpoint starting: time (wal {hex8})",
              "checkpoint complete: wrote {n} buffers ({flt}%); 0 WAL file(s) added, {s} removed, {s} recycled; "
              "write={flt} s, sync=0.{n} s, total={flt} s; sync files={k}, longest=0.{n} s, average=0.{n} s; "
              "distance={n} kB, estimate={n} kB",
              "connection received: host={ip} port={port}",
              "connection authorized: user={user} database={db} application_name=psql",
              "disconnection: session time: 0:{part}:{part}.{n} user={user} database={db} host={ip} port={port}",
              "duration: {flt} ms  statement: SELECT id, status FROM orders WHERE customer_id = {n} ORDER BY "
              "created_at DESC LIMIT {s}0",
              "automatic vacuum of table \"{db}.public.{table}\": index scans: {s}\n\tpages: 0 removed, {n} remain, "
              "{n} scanned (100.00% of total)\n\ttuples: {n} removed, {n} remain, 0 are dead but not yet removable"],
        "D": ["statement: BEGIN (xid {n})"],
        "M": ["could not receive data from client: Connection reset by peer (pid {pid})",
              "unexpected EOF on client connection with an open transaction (user {user})",
              "background worker \"logical replication launcher\" (PID {pid}) exited with exit code 1"],
        "WARN": ["there is no transaction in progress (pid {pid})",
                 "skipping \"{table}_{hex8}\" --- only table or database owner can vacuum it",
                 "nonstandard use of \\\\ in a string literal at character {n}\nHINT:  Use the escape string syntax "
                 "for backslashes, e.g., E'\\\\'.",
                 "terminating connection because of crash of another server process\nDETAIL:  The postmaster has "
                 "commanded this server process to roll back the current transaction and exit, because another server "
                 "process exited abnormally and possibly corrupted shared memory. (pid {pid})"],
        "ERROR": ["duplicate key value violates unique constraint \"{table}_pkey\"\nDETAIL:  Key (id)=({oid}) "
                  "already exists.\nSTATEMENT:  {sql}",
                  "relation \"{table}_archive\" does not exist at character {n}\nSTATEMENT:  {sql}",
                  "canceling statement due to statement timeout\nSTATEMENT:  {sql}",
                  "deadlock detected\nDETAIL:  Process {pid} waits for ShareLock on transaction {n}; blocked by process "
                  "{pid}.\n\tProcess {pid} waits for ShareLock on transaction {n}; blocked by process {pid}.\n\t"
                  "Process {pid}: {sql}\n\tProcess {pid}: {sql}\nHINT:  See server log for query details.\nCONTEXT:  "
                  "while updating tuple ({n},{s}) in relation \"{table}\"\nSTATEMENT:  {sql}",
                  "syntax error at or near \"{svc}\" at character {n}\nSTATEMENT:  {sql}",
                  "null value in column \"{col}\" of relation \"{table}\" violates not-null constraint\nDETAIL:  "
                  "Failing row contains ({oid}, null, {n}, {cur}).\nSTATEMENT:  {sql}"],
        "FATAL": ["password authentication failed for user \"{user}\"\nDETAIL:  Connection matched pg_hba.conf line "
                  "{s}{s}: \"host all all 0.0.0.0/0 scram-sha-256\"",
                  "database \"{db}_{hex8}\" does not exist",
                  "remaining connection slots are reserved for non-replication superuser connections (client {ip})"],
    })
    panic = g.c("could not write to file \"pg_wal/xlogtemp.{pid}\": No space left on device")
    LV = {"I": "LOG", "M": "LOG", "D": "DEBUG1", "WARN": "WARNING", "ERROR": "ERROR", "FATAL": "FATAL"}
    rnd, ap, K = g.rnd, g.parts.append, g.clock

    def render(cls):
        key, msg = g.sel(cls, P)
        lvl = LV[key]
        if cls == "FATAL" and rnd() < 0.15:
            lvl, m = "PANIC", panic()
        else:
            m = msg()
        prefix = "%s.%03d UTC [%d] " % (K.space, K.us // 1000, int(rnd() * 4_000_000) + 100)
        if "\n" in m:
            first, rest = m.split("\n", 1)
            lines = ["%s%s:  %s\n" % (prefix, lvl, first)]
            for ln in rest.split("\n"):         # DETAIL/HINT/STATEMENT lines carry the prefix; tab lines do not
                lines.append(ln + "\n" if ln.startswith("\t") else prefix + ln + "\n")
            ap("".join(lines))
        else:
            ap("%s%s:  %s\n" % (prefix, lvl, m))
        return cls
    return render


def b_redis(g: _Gen):
    P = g.c.pools({
        "I": ["*|{n} changes in {sec} seconds. Saving...", "*|Background saving started by pid {pid}",
              "*|DB saved on disk (pid {pid})", "*|Fork CoW for RDB: current {s} MB, peak {k} MB, average {s} MB",
              "*|Background saving terminated with success (pid {pid})",
              "*|Synchronization with replica {ip}:6379 succeeded",
              "*|Partial resynchronization request from {ip}:6379 accepted. Sending {n} bytes of backlog starting "
              "from offset {big}."],
        "D": ["-|Accepted {ip}:{port}", "-|Client closed connection id={n} addr={ip}:{port}"],
        "M": ["*|Master does not support PSYNC or is in error state (reply: -NOMASTERLINK Can't SYNC while not "
              "connected with my master, offset {big})",
              "*|Partial resynchronization not accepted: Replication ID mismatch (Replica asked for '{sha}', my "
              "replication IDs are '{sha}' and '{sha}')"],
        "WARN": ["#|Background saving error (pid {pid})", "#|Error condition on socket for SYNC: Connection refused "
                 "({ip}:6379)",
                 "#|Connection with replica {ip}:{port} lost.",
                 "#|Failed opening the RDB file temp-{pid}.rdb (in server root dir /data) for saving: Permission denied",
                 "#|Client id={n} addr={ip}:{port} laddr={ip}:6379 fd={k} name= age={sec} idle=0 flags=N db=0 sub=0 "
                 "psub=0 ssub=0 multi=-1 qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=1024 rbp=0 obl=0 oll={n} "
                 "omem={size} tot-mem={size} events=rw cmd=psubscribe user=default redir=-1 resp=2 closed for "
                 "overcoming of output buffer limits.",
                 "#|WARNING Memory overcommit must be enabled! Without it, a background save or replication may fail "
                 "under low memory condition. (pid {pid})",
                 "#|Timeout connecting to the MASTER {ip}:6379..."],
    }, sep="|")
    rnd, ap, K = g.rnd, g.parts.append, g.clock
    roles = "MMMSC"

    def render(cls):
        key, (mark, msg) = g.sel(None if cls is None else "WARN", P)   # Redis's only severity above notice is '#'
        ap("%d:%s %s.%03d %s %s\n" % (int(rnd() * 90) + 1, roles[int(rnd() * 5)], K.redis, K.us // 1000, mark(), msg()))
        return None if cls is None else "WARN"
    return render


def b_mongodb(g: _Gen):
    P = g.c.pools({
        "I": ["NETWORK|22943|listener|Connection accepted|{{\"remote\":\"{ip}:{port}\",\"uuid\":{{\"uuid\":"
              "{{\"$uuid\":\"{uuid}\"}}}},\"connectionId\":{n},\"connectionCount\":{k}}}",
              "NETWORK|22944|conn{n}|Connection ended|{{\"remote\":\"{ip}:{port}\",\"uuid\":{{\"uuid\":"
              "{{\"$uuid\":\"{uuid}\"}}}},\"connectionId\":{n},\"connectionCount\":{k}}}",
              "NETWORK|51800|conn{n}|client metadata|{{\"remote\":\"{ip}:{port}\",\"client\":\"conn{n}\","
              "\"doc\":{{\"driver\":{{\"name\":\"nodejs\",\"version\":\"6.3.{s}\"}},\"os\":{{\"type\":\"Linux\"}}}}}}",
              "COMMAND|51803|conn{n}|Slow query|{{\"type\":\"command\",\"ns\":\"{db}.{table}\",\"command\":{{\"find\":"
              "\"{table}\",\"filter\":{{\"customerId\":{n}}}}},\"planSummary\":\"IXSCAN {{ customerId: 1 }}\","
              "\"keysExamined\":{n},\"docsExamined\":{n},\"nreturned\":{s},\"durationMillis\":{ms}}}",
              "STORAGE|22430|Checkpointer|WiredTiger message|{{\"message\":{{\"ts_sec\":{big},\"ts_usec\":{n},"
              "\"thread\":\"1:0x7f{hex8}\",\"session_name\":\"WT_SESSION.checkpoint\",\"category\":"
              "\"WT_VERB_CHECKPOINT_PROGRESS\",\"verbose_level\":\"DEBUG_1\",\"msg\":\"saving checkpoint snapshot "
              "min: {n}, snapshot max: {n} snapshot count: 0, oldest timestamp: (0, 0)\"}}}}"],
        "D": ["QUERY|20967|conn{n}|Beginning planning|{{\"query\":\"{{ _id: {oid} }}\"}}"],
        "M": ["ACCESS|20249|conn{n}|Authentication failed|{{\"mechanism\":\"SCRAM-SHA-256\",\"speculative\":false,"
              "\"principalName\":\"{user}\",\"authenticationDatabase\":\"admin\",\"remote\":\"{ip}:{port}\","
              "\"extraInfo\":{{}},\"error\":\"AuthenticationFailed: SCRAM authentication failed, storedKey mismatch\"}}",
              "COMMAND|51803|conn{n}|Slow query|{{\"type\":\"command\",\"ns\":\"{db}.{table}\",\"command\":{{\"insert\":"
              "\"{table}\"}},\"ok\":0,\"errMsg\":\"E11000 duplicate key error collection: {db}.{table} index: _id_ dup "
              "key: {{ _id: {oid} }}\",\"errName\":\"DuplicateKey\",\"errCode\":11000,\"durationMillis\":{ms}}}"],
        "WARN": ["NETWORK|4615610|ReplicaSetMonitor-TaskExecutor|Failed to check socket connectivity|{{\"error\":"
                 "{{\"code\":6,\"codeName\":\"HostUnreachable\",\"errmsg\":\"Connection closed by peer\"}},"
                 "\"host\":\"{host}:27017\"}}",
                 "QUERY|23798|conn{n}|Plan executor error during find command|{{\"error\":{{\"code\":292,"
                 "\"codeName\":\"QueryExceededMemoryLimitNoDiskUseAllowed\",\"errmsg\":\"Sort exceeded memory limit of "
                 "104857600 bytes, but did not opt in to external sorting.\"}},\"cmd\":{{\"find\":\"{table}\","
                 "\"filter\":{{\"customerId\":{n}}},\"$db\":\"{db}\"}}}}",
                 "CONTROL|22120|initandlisten|Access control is not enabled for the database. Read and write access to "
                 "data and configuration is unrestricted|{{\"tags\":[\"startupWarnings\"],\"pid\":{pid}}}",
                 "REPL|21402|ReplCoord-{s}|Member is now in state RECOVERING|{{\"hostAndPort\":\"{host}:27017\"}}"],
        "ERROR": ["STORAGE|22435|Checkpointer|WiredTiger error message|{{\"error\":28,\"message\":{{\"ts_sec\":{big},"
                  "\"ts_usec\":{n},\"thread\":\"1:0x7f{hex8}\",\"session_name\":\"WT_SESSION.checkpoint\","
                  "\"category\":\"WT_VERB_DEFAULT\",\"msg\":\"__posix_file_write:611:/data/db/collection-{s}-{big}.wt: "
                  "handle-write: pwrite: failed to write 4096 bytes at offset {big}\",\"error_str\":\"No space left on "
                  "device\"}}}}",
                  "ASSERT|23077|conn{n}|Assertion while executing command|{{\"command\":\"aggregate\",\"db\":\"{db}\","
                  "\"error\":\"Location16389: PlanExecutor error during aggregation :: caused by :: BSONObj size: "
                  "{size} is invalid\"}}",
                  "SHARDING|22736|ShardRegistry|Error running periodic reload of shard registry|{{\"error\":"
                  "\"NetworkInterfaceExceededTimeLimit: Request {n} timed out\",\"shardRegistryReloadIntervalSeconds\":1}}"],
        "FATAL": ["-|23089|{svc}Thread|Fatal assertion|{{\"msgid\":50853,\"file\":\"src/mongo/db/storage/wiredtiger/"
                  "wiredtiger_util.cpp\",\"line\":{n}}}",
                  "CONTROL|23091|initandlisten|Fatal assertion|{{\"msgid\":28595,\"file\":\"src/mongo/db/storage/"
                  "wiredtiger/wiredtiger_kv_engine.cpp\",\"line\":{n}}}"],
    }, sep="|")
    LV = {"I": "I", "M": "I", "D": "D1", "WARN": "W", "ERROR": "E", "FATAL": "F"}
    ap, K = g.parts.append, g.clock

    def render(cls):
        key, (comp, mid, ctx, msg, attr) = g.sel(cls, P)
        c = '"c":"%s",' % comp()
        i = '"id":%s,' % mid()
        ap('{"t":{"$date":"%s.%03d+00:00"},"s":"%s",%s%s%s"ctx":"%s","msg":%s,"attr":%s}\n' % (
            K.iso, K.us // 1000, LV[key], " " * (3 - len(LV[key])),
            c.ljust(16), i.ljust(14), ctx(), _jstr(msg()), attr()))
        return cls
    return render


# name -> (record weight, builder)
_BUILDERS = {
    "log4j2":         (8, b_log4j),
    "spring-docker":  (6, b_spring_docker),
    "python":         (7, b_python),
    "flask-docker":   (5, b_flask_docker),
    "logrus":         (5, b_logrus),
    "zap-cri":        (6, b_zap_cri),
    "klog-cri":       (6, b_klog_cri),
    "logfmt-cri":     (5, b_logfmt_cri),
    "pino-cri":       (5, b_pino_cri),
    "dotnet-cri":     (4, b_dotnet_cri),
    "nginx-docker":   (7, b_nginx_docker),
    "apache-crlf":    (3, b_apache),
    "bunyan":         (3, b_bunyan),
    "serilog":        (4, b_serilog),
    "syslog5424":     (4, b_syslog5424),
    "syslog3164":     (5, b_syslog3164),
    "journald":       (4, b_journald),
    "postgres":       (5, b_postgres),
    "redis":          (3, b_redis),
    "mongodb":        (4, b_mongodb),
}
SOURCE_ORDER = list(_BUILDERS)
FORMAT_NAMES = {
    "log4j2": "Java log4j2 plain (stack traces, ANSI on ~4%)", "spring-docker": "Spring Boot logback in Docker json-file",
    "python": "Python logging (tracebacks)", "flask-docker": "Flask/gunicorn in Docker json-file",
    "logrus": "Go logrus text", "zap-cri": "Go zap JSON in CRI (+ panic dumps)", "klog-cri": "klog in CRI",
    "logfmt-cri": "go-kit logfmt in CRI", "pino-cri": "pino JSON in CRI (P/F long lines)",
    "dotnet-cri": ".NET console logger in CRI", "nginx-docker": "nginx error+access in Docker json-file",
    "apache-crlf": "Apache 2.4 error log (CRLF)", "bunyan": "bunyan JSON", "serilog": "Serilog CLEF JSON",
    "syslog5424": "syslog RFC 5424", "syslog3164": "syslog RFC 3164", "journald": "journald JSON export",
    "postgres": "PostgreSQL stderr log", "redis": "Redis", "mongodb": "MongoDB structured JSON",
}


def generate_realistic(path: Path, megabytes: int, seed: int = 7) -> dict:
    """Write about ``megabytes`` MiB (whole records; it stops after the batch that crosses the size) and return the
    ground truth: lines, events per class (as CONTRACTS.md "Severity classes" defines them), stack traces, plus
    details (records, bytes, per-format records, where the stack traces are, lines with invalid UTF-8)."""
    return _Gen(seed).run(Path(path), megabytes)


if __name__ == "__main__":
    if len(sys.argv) not in (3, 4):
        sys.exit("usage: python bench/realistic.py OUT.log MEGABYTES [SEED]")
    start = time.perf_counter()
    truth = generate_realistic(Path(sys.argv[1]), int(sys.argv[2]), *(int(a) for a in sys.argv[3:]))
    seconds = time.perf_counter() - start
    print(json.dumps(truth))
    print(f"{truth['bytes'] / 2**20:.1f} MiB in {seconds:.1f} s = {truth['bytes'] / 2**20 / seconds:.1f} MiB/s",
          file=sys.stderr)
