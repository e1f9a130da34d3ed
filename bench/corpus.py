"""A labelled log corpus for grouping benchmarks, written from public format documentation and real logs.

How it was made
---------------
Independently of the extractor's parsing rules (its source was not read): every line shape below was written
from a format's public documentation or from published real log lines, and every error message from a real
program's message text.

* Loghub samples and their template files (github.com/logpai/loghub): HDFS (``081109 203615 148 WARN
  dfs.DataNode$DataXceiver: ...``, ``blk_-160899...`` and ``blk_388650...``), Hadoop MapReduce (thread names
  such as ``[RMCommunicator Allocator]``, ``[LeaseRenewer:msrabi@msra-sa-41:9000]``, FATAL ``Task: attempt_...
  - exited``), Zookeeper (``[QuorumPeer[myid=1]/0:0:0:0:0:0:0:0:2181:QuorumCnxManager@368]``), Spark,
  OpenStack nova (``[req-... - - - - -] [instance: uuid] VM Paused (Lifecycle Event)``), BGL (``RAS KERNEL
  FATAL``, ``Lustre mount FAILED : bglio23``), Apache 2.2 error log, Android logcat threadtime, Windows CBS.
* Format documentation: log4j/logback patterns (Spring Boot's default ``%5p ${PID} --- [%15.15t]
  %-40.40logger{39} :``), Python ``logging`` formats (the cookbook's ``%(asctime)s - %(name)s - %(levelname)s
  - %(message)s``, Django's ``{levelname} {asctime} {module} {process:d} {thread:d} {message}``, celery's
  ``[%(asctime)s: %(levelname)s/%(processName)s]``, gunicorn's error log), Go klog headers, Prometheus /
  go-kit logfmt, HashiCorp hclog, PostgreSQL ``log_line_prefix`` default ``'%m [%p] '`` with DETAIL/HINT/
  STATEMENT lines, Redis (``pid:role date level-char``; ``#`` = warning), MongoDB 4.4+ structured JSON
  (``"s":"F|E|W|I"``), pino numeric levels (60/50/40/30), Monolog/Laravel ``[date] channel.LEVEL: msg
  {context}`` with ``[stacktrace]``, nginx error log (``[error] 29#29: *123 ...``), Apache 2.4 error log.
* Envelopes: Docker json-file (``{"log":"...\\n","stream":"stderr","time":"<RFC3339Nano>"}``, Go JSON escaping
  of ``<>&``), Kubernetes CRI (``<RFC3339Nano> stderr F <text>``; lines over 16 KiB split into ``P`` chunks
  ending with an ``F`` chunk, as containerd does), syslog RFC 3164 (``<34>Oct 11 22:14:15 mymachine su: ...``,
  the RFC's own example) and RFC 5424 (``<PRI>1 TIMESTAMP HOST APP PROCID MSGID SD MSG``, here rsyslog
  forwarding Consul's hclog lines, the PRI severity being the one hclog's syslog sink maps the level to),
  journald export via ``journalctl -o json`` (``MESSAGE``, ``PRIORITY`` 0-7, ``SYSLOG_IDENTIFIER``...).

Each event's label is its true template (one message format of one program at one level); its level class
is the standard one: FATAL (FATAL/CRITICAL/CRIT/EMERG/ALERT/PANIC, pino 60, Mongo F, syslog 0-2), ERROR
(ERROR/ERR/SEVERE, E, pino 50, syslog 3), WARN (WARN/WARNING, W, pino 40, Redis ``#``, syslog 4).
Multi-line events (Java traces after log4j/logback/Zookeeper/Spark headers, Python tracebacks, Laravel
``[stacktrace]``, PostgreSQL DETAIL/STATEMENT lines, Celery's two-line broker error) are labelled by their
header line; inside an envelope every physical line of them has its own envelope, as on a real node.

Real-world habits kept: every variable value is fresh per event (block ids, uuids, pids, ports, hosts, user
names, paths, thread numbers are generated, not drawn from a small pool); context fields (thread names with
spaces, nested brackets, pids, hosts, request ids) vary and are not template text; paths are absolute and
relative with ``-`` and ``.`` in names; digits glue to words (``sdb1``, ``nvme1n1``, ``md127``, ``bglio23``,
``conn4411``); some templates differ only in a constant word (PostgreSQL ``database "x" does not exist`` /
``role "x" does not exist``, nginx ``while connecting to upstream`` / ``while reading response header from
upstream``, BGL ``Link has been severed`` / ``Connection reset by peer``, Redis ``Connection with replica ...
lost`` / ``Connection with master lost``); INFO/NOTICE/DEBUG noise between events includes lines that say
"error", "failed" or "FATAL" at a non-error level (Loghub's ``RAS KERNEL INFO ... ddr errors(s) detected and
corrected``, CBS ``Info ... Failed to get next element``, PostgreSQL ``LOG:`` lines, nginx access lines with
status 500, pam_unix ``authentication failure`` at notice, nova ``VM Stopped (Lifecycle Event)``). Sources
come in bursts (a service logs a run of lines, then another one), templates have Zipf-like frequencies.

``build_corpus(n_events, seed)`` returns ``(text, events, templates)``; each event is ``{"line": 1-based
physical line where its record starts, "level": class, "label": template index, "drain_input": its unwrapped
header line minus its timestamp}``.
"""
from __future__ import annotations

import json
import random
import uuid as _uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Callable

CRI_MAX_LINE = 16384          # containerd's default max_container_log_line_size


# --------------------------------------------------------------------------------------------------------
# Random values (fresh on every call; the fixed seed makes the corpus reproducible)
# --------------------------------------------------------------------------------------------------------
_SYL = ["ka", "mi", "to", "ra", "ne", "lu", "si", "do", "ve", "an", "el", "or", "ju", "ben", "mar", "tin", "li",
        "sa", "ro", "ha", "yu", "ke", "na", "pe", "zo", "ta", "ri", "mo", "da", "gu", "fe", "bo", "ni", "ste",
        "al", "vin", "chi", "wen", "lo", "dra", "ise", "ko", "per", "ul", "em", "ta", "sh", "ry"]
_WORDS = ["orders", "billing", "catalog", "search", "cart", "users", "auth", "invoices", "shipping", "reports",
          "inventory", "payments", "notify", "media", "export", "ledger", "pricing", "reviews", "sessions"]


class V:
    def __init__(self, rng: random.Random):
        self.r = rng

    def n(self, lo=1, hi=99999):
        return self.r.randint(lo, hi)

    def pick(self, seq):
        return self.r.choice(seq)

    def chance(self, p):
        return self.r.random() < p

    def hex(self, k):
        return "".join(self.r.choice("0123456789abcdef") for _ in range(k))

    def HEX(self, k):
        return self.hex(k).upper()

    def alnum(self, k, chars="abcdefghijklmnopqrstuvwxyz0123456789"):
        return "".join(self.r.choice(chars) for _ in range(k))

    def uuid(self):
        return str(_uuid.UUID(int=self.r.getrandbits(128), version=4))

    def ip(self):
        a = self.r.random()
        if a < 0.5:
            return f"10.{self.n(0, 255)}.{self.n(0, 255)}.{self.n(1, 254)}"
        if a < 0.7:
            return f"172.{self.n(16, 31)}.{self.n(0, 255)}.{self.n(1, 254)}"
        if a < 0.8:
            return f"192.168.{self.n(0, 255)}.{self.n(1, 254)}"
        return f"{self.n(11, 223)}.{self.n(0, 255)}.{self.n(0, 255)}.{self.n(1, 254)}"

    def port(self):
        return self.n(1024, 65535)

    def user(self):
        """A plain lower-case word, like a login name (letters only)."""
        s = "".join(self.pick(_SYL) for _ in range(self.n(2, 3)))
        return s if self.r.random() < 0.8 else s + self.pick(["", "x", "adm", "ops", "dev"])

    def word(self):
        return self.pick(_WORDS)

    def host(self):
        k = self.r.random()
        if k < 0.3:
            return f"ip-{self.n(10, 10)}-{self.n(0, 255)}-{self.n(0, 255)}-{self.n(1, 254)}.ec2.internal"
        if k < 0.55:
            return f"{self.pick(['web', 'app', 'db', 'worker', 'node', 'cache'])}-{self.n(1, 60):02d}"
        if k < 0.8:
            return f"{self.pick(['worker', 'node', 'gke-prod-pool'])}-{self.alnum(4)}"
        return f"{self.word()}-{self.n(1, 9)}.{self.pick(['prod', 'int', 'eu-west-1'])}.{self.pick(['acme.io', 'example.net'])}"

    def pod(self, name=None):
        name = name or self.word()
        return f"{name}-{self.alnum(10, 'bcdfghjklmnpqrstvwxz2456789')[:self.n(8, 10)]}-" \
               f"{self.alnum(5, 'bcdfghjklmnpqrstvwxz2456789')}"

    def ms(self, lo=1, hi=60000):
        return self.n(lo, hi)

    def godur(self):
        return self.pick([f"{self.n(1, 59)}s", f"{self.n(1, 9)}m{self.n(0, 59)}s", f"{self.n(100, 999)}ms",
                          f"{self.n(1, 9)}.{self.n(1, 999):03d}s"])

    def epoch_ms(self, t: datetime):
        return int(t.replace(tzinfo=timezone.utc).timestamp() * 1000)

    def email(self):
        return f"{self.user()}{self.n(1, 9999) if self.chance(0.5) else ''}@" \
               f"{self.pick(['example.com', 'mail.acme.io', 'gmail.com', 'corp.example.org'])}"

    def api_path(self):
        w = self.word()
        return self.pick([f"/api/v1/{w}/{self.n()}", f"/api/v2/{w}?page={self.n(1, 300)}&limit={self.n(10, 100)}",
                          f"/{w}/{self.n()}/edit", f"/api/v1/{w}/{self.uuid()}/items/{self.n(1, 500)}",
                          f"/v1/{w}/{self.alnum(12)}"])

    def sha1(self):
        return self.hex(40)


# --------------------------------------------------------------------------------------------------------
# Traces
# --------------------------------------------------------------------------------------------------------
def java_frames(v: V, frames: list[str], k: int | None = None) -> list[str]:
    k = k or v.n(min(3, len(frames)), min(9, len(frames)))
    out = []
    for f in frames[:k]:
        out.append("\tat " + (f.format(line=v.n(20, 3000)) if "{line}" in f else f))
    return out


_JNET = ["sun.nio.ch.SocketChannelImpl.checkConnect(Native Method)",
         "sun.nio.ch.SocketChannelImpl.finishConnect(SocketChannelImpl.java:{line})",
         "org.apache.hadoop.net.SocketIOWithTimeout.connect(SocketIOWithTimeout.java:{line})",
         "org.apache.hadoop.net.NetUtils.connect(NetUtils.java:{line})",
         "org.apache.hadoop.ipc.Client$Connection.setupConnection(Client.java:{line})",
         "org.apache.hadoop.ipc.Client$Connection.setupIOstreams(Client.java:{line})",
         "org.apache.hadoop.ipc.Client.getConnection(Client.java:{line})",
         "org.apache.hadoop.ipc.Client.call(Client.java:{line})",
         "com.sun.proxy.$Proxy36.allocate(Unknown Source)"]
_JZK = ["java.net.PlainSocketImpl.socketConnect(Native Method)",
        "java.net.AbstractPlainSocketImpl.doConnect(AbstractPlainSocketImpl.java:{line})",
        "java.net.AbstractPlainSocketImpl.connectToAddress(AbstractPlainSocketImpl.java:{line})",
        "java.net.AbstractPlainSocketImpl.connect(AbstractPlainSocketImpl.java:{line})",
        "java.net.SocksSocketImpl.connect(SocksSocketImpl.java:{line})",
        "java.net.Socket.connect(Socket.java:{line})",
        "org.apache.zookeeper.server.quorum.QuorumCnxManager.connectOne(QuorumCnxManager.java:{line})",
        "org.apache.zookeeper.server.quorum.QuorumCnxManager.toSend(QuorumCnxManager.java:{line})",
        "org.apache.zookeeper.server.quorum.FastLeaderElection$Messenger$WorkerSender.process(FastLeaderElection.java:{line})"]
_JSPARK = ["org.apache.spark.storage.DiskBlockObjectWriter.open(DiskBlockObjectWriter.scala:{line})",
           "org.apache.spark.util.collection.ExternalSorter.writePartitionedFile(ExternalSorter.scala:{line})",
           "org.apache.spark.shuffle.sort.SortShuffleWriter.write(SortShuffleWriter.scala:{line})",
           "org.apache.spark.scheduler.ShuffleMapTask.runTask(ShuffleMapTask.scala:{line})",
           "org.apache.spark.scheduler.Task.run(Task.scala:{line})",
           "org.apache.spark.executor.Executor$TaskRunner.run(Executor.scala:{line})",
           "java.util.concurrent.ThreadPoolExecutor.runWorker(ThreadPoolExecutor.java:1149)",
           "java.util.concurrent.ThreadPoolExecutor$Worker.run(ThreadPoolExecutor.java:624)",
           "java.lang.Thread.run(Thread.java:748)"]
_JSPRING = ["com.acme.{svc}.web.{Svc}Controller.get{Svc}(" + "{Svc}Controller.java:{line})",
            "java.base/jdk.internal.reflect.NativeMethodAccessorImpl.invoke0(Native Method)",
            "java.base/java.lang.reflect.Method.invoke(Method.java:568)",
            "org.springframework.web.method.support.InvocableHandlerMethod.doInvoke(InvocableHandlerMethod.java:{line})",
            "org.springframework.web.servlet.mvc.method.annotation.ServletInvocableHandlerMethod.invokeAndHandle("
            "ServletInvocableHandlerMethod.java:{line})",
            "org.springframework.web.servlet.DispatcherServlet.doDispatch(DispatcherServlet.java:{line})",
            "org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:{line})",
            "org.apache.catalina.core.ApplicationFilterChain.doFilter(ApplicationFilterChain.java:{line})",
            "org.apache.tomcat.util.threads.TaskThread$WrappingRunnable.run(TaskThread.java:61)",
            "java.base/java.lang.Thread.run(Thread.java:833)"]


def java_trace(v: V, header: str, frames: list[str], cause: tuple[str, list[str]] | None = None) -> list[str]:
    svc = v.word()
    fr = [f.replace("{svc}", svc).replace("{Svc}", svc.capitalize()) for f in frames]
    lines = [header] + java_frames(v, fr)
    if cause:
        lines += ["Caused by: " + cause[0]] + java_frames(v, cause[1], v.n(2, 4)) + [f"\t... {v.n(8, 60)} more"]
    return lines


def py_traceback(v: V, frames: list[tuple[str, str, str]], final: str, chained: str | None = None) -> list[str]:
    lines = []
    if chained:
        lines += ["Traceback (most recent call last):",
                  f'  File "/usr/local/lib/python3.11/site-packages/redis/connection.py", line {v.n(200, 800)}, '
                  "in connect",
                  "    sock = self.retry.call_with_retry(",
                  chained, "",
                  "During handling of the above exception, another exception occurred:", ""]
    lines.append("Traceback (most recent call last):")
    for path, func, code in frames[:v.n(2, len(frames))]:
        lines.append(f'  File "{path}", line {v.n(12, 900)}, in {func}')
        lines.append(f"    {code}")
    lines.append(final)
    return lines


_PY_CELERY = [("/usr/local/lib/python3.11/site-packages/celery/app/trace.py", "trace_task",
               "R = retval = fun(*args, **kwargs)"),
              ("/usr/local/lib/python3.11/site-packages/celery/app/trace.py", "__protected_call__",
               "return self.run(*args, **kwargs)"),
              ("/app/shop/tasks.py", "sync_invoice", "client.publish(channel, payload)"),
              ("/usr/local/lib/python3.11/site-packages/redis/commands/core.py", "publish",
               'return self.execute_command("PUBLISH", channel, message, **kwargs)'),
              ("/usr/local/lib/python3.11/site-packages/redis/client.py", "execute_command",
               "conn = self.connection or pool.get_connection(command_name, **options)")]
_PY_WEB = [("/usr/local/lib/python3.11/site-packages/django/core/handlers/exception.py", "inner",
            "response = get_response(request)"),
           ("/usr/local/lib/python3.11/site-packages/django/core/handlers/base.py", "_get_response",
            "response = wrapped_callback(request, *callback_args, **callback_kwargs)"),
           ("/srv/app/shop/views/orders.py", "detail", "total = order.total_with_tax()"),
           ("/srv/app/shop/models.py", "total_with_tax", "return self.subtotal * (1 + self.tax_rate)")]
_PY_APP = [("/opt/exporter/exporter/cli.py", "main", "run(args.config)"),
           ("/opt/exporter/exporter/jobs.py", "run", "writer.write_rows(rows)"),
           ("/opt/exporter/exporter/writers.py", "write_rows", "self._fh.write(line)")]


# --------------------------------------------------------------------------------------------------------
# Templates
# --------------------------------------------------------------------------------------------------------
@dataclass
class T:
    key: str                      # "<source>/<short name>"
    level: str                    # the level token as the format writes it
    cls: str                      # FATAL / ERROR / WARN / INFO (noise)
    msg: Callable                 # v -> message, or (message, continuation lines)
    ctx: dict = field(default_factory=dict)

    @property
    def source(self):
        return self.key.split("/", 1)[0]


def hdfs_thread(v):
    return v.n(1, 9999)


def blk(v):
    return f"blk_{'-' if v.chance(0.5) else ''}{v.n(10 ** 15, 9_200_000_000_000_000_000)}"


def bp_block(v):
    return f"BP-{v.n(10 ** 8, 2 * 10 ** 9)}-{v.ip()}-{v.n(1_400_000_000_000, 1_800_000_000_000)}:" \
           f"blk_{v.n(1_073_741_825, 1_073_900_000)}_{v.n(1000, 200000)}"


def hadoop_attempt(v, kind="m"):
    ts = v.n(1_440_000_000_000, 1_460_000_000_000)
    return f"attempt_{ts}_{v.n(1, 9999):04d}_{kind}_{v.n(0, 999):06d}_{v.n(0, 3)}"


def zk_sid(v):
    return v.pick([1, 2, 3, 4, 5])


def bgl_node(v, io=False):
    mid = f"R{v.n(0, 77):02d}-M{v.n(0, 1)}-N{v.pick('0123456789ABCDEF')}"
    return f"{mid}-I:J18-U{v.pick(['01', '11'])}" if io else f"{mid}-C:J{v.n(2, 17):02d}-U{v.pick(['01', '11'])}"


def disk(v, part=True, dm=False):
    k = v.r.random()
    if dm and k < 0.2:
        return f"dm-{v.n(0, 12)}"
    if k < 0.6:
        return f"sd{v.pick('abcdef')}" + (str(v.n(1, 4)) if part else "")
    return f"nvme{v.n(0, 3)}n1" + (f"p{v.n(1, 4)}" if part else "")


def pg_stmt(v):
    return v.pick([f"INSERT INTO orders (id, customer_id, total) VALUES ({v.n()}, {v.n()}, {v.n(1, 999)}.{v.n(0, 99):02d})",
                   f"UPDATE inventory SET qty = qty - {v.n(1, 9)} WHERE sku = 'SKU-{v.n(10000, 99999)}'",
                   f"INSERT INTO users (email, name) VALUES ('{v.email()}', '{v.user()}')",
                   f"SELECT * FROM invoices WHERE customer_id = {v.n()} FOR UPDATE"])


def nginx_tail(v, upstream=True, method=None, path=None, server=None):
    server = server or v.pick(["api.acme.io", "shop.example.net", "_", "www.acme.io"])
    path = path or v.api_path()
    tail = f', client: {v.ip()}, server: {server}, request: "{method or v.pick(["GET", "GET", "POST", "PUT", "DELETE"])}' \
           f' {path} HTTP/1.1"'
    if upstream:
        tail += f', upstream: "http://{v.ip()}:{v.pick([8000, 8080, 3000, 9000])}{path}"'
    return tail + f', host: "{server if server != "_" else v.ip()}"'


_LARAVEL_FRAMES = {
    "db": ["/var/www/html/vendor/laravel/framework/src/Illuminate/Database/Connection.php({l}): "
           "Illuminate\\Database\\Connection->runQueryCallback()",
           "/var/www/html/vendor/laravel/framework/src/Illuminate/Database/Connection.php({l}): "
           "Illuminate\\Database\\Connection->run()",
           "/var/www/html/vendor/laravel/framework/src/Illuminate/Database/Query/Builder.php({l}): "
           "Illuminate\\Database\\Connection->select()"],
    "app": [],
    "log": ["/var/www/html/vendor/monolog/monolog/src/Monolog/Handler/AbstractProcessingHandler.php({l}): "
            "Monolog\\Handler\\StreamHandler->write()",
            "/var/www/html/vendor/monolog/monolog/src/Monolog/Logger.php({l}): "
            "Monolog\\Handler\\AbstractProcessingHandler->handle()",
            "/var/www/html/vendor/laravel/framework/src/Illuminate/Log/Logger.php({l}): Monolog\\Logger->error()"],
}
_LARAVEL_TAIL = ["/var/www/html/app/Http/Controllers/{C}Controller.php({l}): Illuminate\\Database\\Eloquent\\Builder->first()",
                 "/var/www/html/vendor/laravel/framework/src/Illuminate/Routing/Controller.php({l}): "
                 "App\\Http\\Controllers\\{C}Controller->show()",
                 "/var/www/html/vendor/laravel/framework/src/Illuminate/Pipeline/Pipeline.php({l}): "
                 "Illuminate\\Pipeline\\Pipeline->Illuminate\\Pipeline\\{closure}()",
                 "/var/www/html/public/index.php({l}): Illuminate\\Foundation\\Http\\Kernel->handle()"]


def laravel_trace(v, kind="db"):
    """The ``[stacktrace]`` part of Laravel's context JSON: literal newlines, then the JSON's closing ``"}``."""
    frames = _LARAVEL_FRAMES[kind] + _LARAVEL_TAIL[:v.n(2, len(_LARAVEL_TAIL))]
    c = v.word().capitalize()
    lines = ["[stacktrace]"]
    for i, f in enumerate(frames):
        lines.append(f"#{i} " + f.replace("{l}", str(v.n(20, 900))).replace("{C}", c))
    lines.append(f"#{len(frames)} {{main}}")
    lines.append('"} ')
    return lines


def pino_body(v, big):
    if not big:
        return None
    return {"items": [{"sku": f"SKU-{v.n(10000, 99999)}", "qty": v.n(1, 9), "note": v.alnum(v.n(20, 60))}
                      for _ in range(v.n(300, 700))]}


def _hdfs(key, level, cls, comp, msg):
    return T(f"hdfs/{key}", level, cls, msg, {"comp": comp})


TEMPLATES: list[T] = [
    # ---- HDFS (Loghub HDFS_1 line shape) --------------------------------------------------------------
    _hdfs("writeBlock-exception", "WARN", "WARN", "dfs.DataNode$DataXceiver",
          lambda v: f"writeBlock {blk(v)} received exception java.io.IOException: Could not read from stream"),
    _hdfs("serving-exception", "WARN", "WARN", "dfs.DataNode$DataXceiver",
          lambda v: f"{v.ip()}:50010:Got exception while serving {blk(v)} to /{v.ip()}:"),
    _hdfs("delete-not-in-volumeMap", "WARN", "WARN", "dfs.FSDataset",
          lambda v: f"Unexpected error trying to delete block {blk(v)}. BlockInfo not found in volumeMap."),
    _hdfs("replication-timeout", "WARN", "WARN", "dfs.PendingReplicationBlocks$PendingReplicationMonitor",
          lambda v: f"PendingReplicationMonitor timed out block {blk(v)}"),
    _hdfs("transfer-failed", "WARN", "WARN", "dfs.DataNode",
          lambda v: f"{v.ip()}:50010:Failed to transfer {blk(v)} to {v.ip()}:50010 got java.io.IOException: "
                    "Connection reset by peer"),
    _hdfs("receiveBlock-exception", "ERROR", "ERROR", "dfs.DataNode$DataXceiver",
          lambda v: f"Exception in receiveBlock for block {blk(v)} java.io.IOException: Connection reset by peer"),
    _hdfs("block-valid-cannot-write", "ERROR", "ERROR", "dfs.DataNode",
          lambda v: f"{v.ip()}:50010:DataXceiver: java.io.IOException: Block {blk(v)} is valid, and cannot be "
                    "written to."),

    # ---- Hadoop MapReduce application master (log4j %d{ISO8601} %p [%t] %c: %m) -------------------------
    T("hadoop/error-contacting-rm", "ERROR", "ERROR",
      lambda v: ("ERROR IN CONTACTING RM. ",
                 java_trace(v, f"java.net.ConnectException: Call From MININT-{v.alnum(7, 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789')}"
                               f"/{v.ip()} to {v.host()}:8030 failed on connection exception: java.net.ConnectException: "
                               "Connection refused: no further information; For more details see:  "
                               "http://wiki.apache.org/hadoop/ConnectionRefused", _JNET)),
      {"logger": "org.apache.hadoop.mapreduce.v2.app.rm.RMContainerAllocator",
       "thread": lambda v: "RMCommunicator Allocator"}),
    T("hadoop/lease-renew-failed", "WARN", "WARN",
      lambda v: f"Failed to renew lease for [DFSClient_NONMAPREDUCE_{v.n(10 ** 8, 2 * 10 ** 9)}_{v.n(1, 40)}] for "
                f"{v.n(30, 900)} seconds.  Will retry shortly ...",
      {"logger": "org.apache.hadoop.hdfs.LeaseRenewer",
       "thread": lambda v: f"LeaseRenewer:{v.user()}@{v.host()}:{v.pick([8020, 9000])}"}),
    T("hadoop/response-processor-exception", "WARN", "WARN",
      lambda v: (lambda b: (f"DFSOutputStream ResponseProcessor exception  for block {b}",
                            java_trace(v, f"java.io.IOException: Bad response ERROR for block {b} from datanode "
                                          f"{v.ip()}:50010",
                                       ["org.apache.hadoop.hdfs.DFSOutputStream$DataStreamer$ResponseProcessor.run("
                                        "DFSOutputStream.java:{line})"])))(bp_block(v)),
      {"logger": "org.apache.hadoop.hdfs.DFSClient",
       "thread": lambda v, m: f"ResponseProcessor for block {m.split()[-1]}"}),
    T("hadoop/bad-datanode", "WARN", "WARN",
      lambda v: f"Error Recovery for block {bp_block(v)} in pipeline {v.ip()}:50010, {v.ip()}:50010: bad datanode "
                f"{v.ip()}:50010",
      {"logger": "org.apache.hadoop.hdfs.DFSClient",
       "thread": lambda v, m: (lambda job: f"DataStreamer for file /tmp/hadoop-yarn/staging/{v.user()}/.staging/"
                                           f"{job}/{job}_1.jhist block {m.split()[4]}")(
           f"job_{v.n(1_440_000_000_000, 1_460_000_000_000)}_{v.n(1, 9999):04d}")}),
    T("hadoop/task-exited", "FATAL", "FATAL",
      lambda v: f"Task: {hadoop_attempt(v)} - exited : java.net.NoRouteToHostException: No Route to Host from  "
                f"MININT-{v.alnum(7, 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789')}/{v.ip()} to {v.host()}:{v.pick([8020, 9000])} "
                "failed on socket timeout exception: java.net.NoRouteToHostException: No route to host: no further "
                "information; For more details see:  http://wiki.apache.org/hadoop/NoRouteToHost",
      {"logger": "org.apache.hadoop.mapred.TaskAttemptListenerImpl",
       "thread": lambda v: f"IPC Server handler {v.n(0, 29)} on {v.port()}"}),
    T("hadoop/history-event-write", "ERROR", "ERROR",
      lambda v: (f"Error writing History Event: org.apache.hadoop.mapreduce.jobhistory."
                 f"TaskAttemptUnsuccessfulCompletionEvent@{v.hex(8).lstrip('0')}",
                 java_trace(v, "java.io.IOException: All datanodes " + f"{v.ip()}:50010 are bad. Aborting...",
                            ["org.apache.hadoop.hdfs.DFSOutputStream$DataStreamer.setupPipelineForAppendOrRecovery("
                             "DFSOutputStream.java:{line})",
                             "org.apache.hadoop.hdfs.DFSOutputStream$DataStreamer.processDatanodeError("
                             "DFSOutputStream.java:{line})",
                             "org.apache.hadoop.hdfs.DFSOutputStream$DataStreamer.run(DFSOutputStream.java:{line})"])),
      {"logger": "org.apache.hadoop.mapreduce.jobhistory.JobHistoryEventHandler",
       "thread": lambda v: "eventHandlingThread"}),

    # ---- Zookeeper (%d{ISO8601} - %-5p [%t:%C{1}@%L] - %m) --------------------------------------------
    T("zookeeper/cannot-open-channel", "WARN", "WARN",
      lambda v: (f"Cannot open channel to {zk_sid(v)} at election address /{v.ip()}:3888",
                 java_trace(v, "java.net.ConnectException: Connection refused", _JZK)),
      {"where": "QuorumCnxManager@368",
       "thread": lambda v: v.pick([f"QuorumPeer[myid={zk_sid(v)}]/0:0:0:0:0:0:0:0:2181",
                                   f"WorkerSender[myid={zk_sid(v)}]"])}),
    T("zookeeper/connection-broken", "WARN", "WARN",
      lambda v: (lambda sid: (f"Connection broken for id {sid}, my id = {zk_sid(v)}, error = ",
                              java_trace(v, "java.io.EOFException",
                                         ["java.io.DataInputStream.readInt(DataInputStream.java:392)",
                                          "org.apache.zookeeper.server.quorum.QuorumCnxManager$RecvWorker.run("
                                          "QuorumCnxManager.java:{line})"])))(v.n(10 ** 11, 10 ** 12)),
      {"where": "QuorumCnxManager$RecvWorker@762", "thread": lambda v, m: f"RecvWorker:{m.split()[4].rstrip(',')}"}),
    T("zookeeper/end-of-stream", "WARN", "WARN",
      lambda v: ("caught end of stream exception",
                 [f"EndOfStreamException: Unable to read additional data from client sessionid 0x{v.hex(15).lstrip('0')}, "
                  "likely client has closed socket",
                  f"\tat org.apache.zookeeper.server.NIOServerCnxn.doIO(NIOServerCnxn.java:{v.n(200, 260)})",
                  f"\tat org.apache.zookeeper.server.NIOServerCnxnFactory.run(NIOServerCnxnFactory.java:{v.n(200, 240)})",
                  "\tat java.lang.Thread.run(Thread.java:745)"]),
      {"where": "NIOServerCnxn@349", "thread": lambda v: "NIOServerCxn.Factory:0.0.0.0/0.0.0.0:2181"}),
    T("zookeeper/unexpected-exception", "ERROR", "ERROR",
      lambda v: ("Unexpected Exception: ",
                 ["java.nio.channels.CancelledKeyException",
                  "\tat sun.nio.ch.SelectionKeyImpl.ensureValid(SelectionKeyImpl.java:73)",
                  "\tat sun.nio.ch.SelectionKeyImpl.interestOps(SelectionKeyImpl.java:77)",
                  f"\tat org.apache.zookeeper.server.NIOServerCnxn.sendBuffer(NIOServerCnxn.java:{v.n(150, 160)})",
                  f"\tat org.apache.zookeeper.server.FinalRequestProcessor.processRequest(FinalRequestProcessor.java:"
                  f"{v.n(400, 420)})"]),
      {"where": "NIOServerCnxn@178", "thread": lambda v: f"CommitProcessor:{zk_sid(v)}"}),
    T("zookeeper/old-client", "WARN", "WARN",
      lambda v: f"Connection request from old client /{v.ip()}:{v.port()}; will be dropped if server is in r-o mode",
      {"where": "ZooKeeperServer@793", "thread": lambda v: "NIOServerCxn.Factory:0.0.0.0/0.0.0.0:2181"}),

    # ---- Spark on Kubernetes (CRI), log4j %d{yy/MM/dd HH:mm:ss} %p %c: %m --------------------------------
    T("spark/exception-in-task", "ERROR", "ERROR",
      lambda v: (f"Exception in task {v.n(0, 400)}.{v.n(0, 3)} in stage {v.n(0, 80)}.{v.n(0, 2)} (TID {v.n(0, 99999)})",
                 java_trace(v, v.pick([f"java.io.FileNotFoundException: /tmp/spark-{v.uuid()}/executor-{v.uuid()}/"
                                       f"blockmgr-{v.uuid()}/{v.hex(2)}/temp_shuffle_{v.uuid()} (No space left on device)",
                                       "java.lang.OutOfMemoryError: Java heap space",
                                       f"org.apache.spark.shuffle.FetchFailedException: Failed to connect to "
                                       f"{v.host()}/{v.ip()}:{v.port()}"]), _JSPARK)),
      {"logger": "executor.Executor"}),
    T("spark/block-not-removed", "WARN", "WARN",
      lambda v: f"Block rdd_{v.n(0, 400)}_{v.n(0, 999)} could not be removed as it was not found on disk or in memory",
      {"logger": "storage.BlockManager"}),
    T("spark/received-sigterm", "ERROR", "ERROR", lambda v: "RECEIVED SIGNAL 15: SIGTERM",
      {"logger": "executor.CoarseGrainedExecutorBackend"}),
    T("spark/not-enough-space-to-cache", "WARN", "WARN",
      lambda v: f"Not enough space to cache rdd_{v.n(0, 400)}_{v.n(0, 999)} in memory! (computed "
                f"{v.n(1, 900)}.{v.n(0, 9)} {v.pick(['MB', 'KB', 'GB'])} so far)",
      {"logger": "storage.MemoryStore"}),
    T("spark/lost-task", "WARN", "WARN",
      lambda v: (lambda u, app: f"Lost task {v.n(0, 400)}.{v.n(0, 3)} in stage {v.n(0, 80)}.0 (TID {v.n(0, 99999)}, "
                                f"{v.host()}, executor {v.n(1, 200)}): java.io.FileNotFoundException: /hadoop/yarn/"
                                f"local/usercache/{u}/appcache/{app}/blockmgr-{v.uuid()}/{v.hex(2)}/shuffle_"
                                f"{v.n(0, 99)}_{v.n(0, 999)}_0.data (No such file or directory)")(
          v.user(), f"application_{v.n(1_490_000_000_000, 1_700_000_000_000)}_{v.n(1, 9999):04d}"),
      {"logger": "scheduler.TaskSetManager"}),

    # ---- OpenStack nova (oslo.log: date pid LEVEL module [req ctx] msg) ------------------------------------
    T("nova/shutdown-by-itself", "WARNING", "WARN",
      lambda v: f"[instance: {v.uuid()}] Instance shutdown by itself. Calling the stop API. Current vm_state: active, "
                "current task_state: None, original DB power_state: 1, current VM power_state: 4",
      {"module": "nova.compute.manager"}),
    T("nova/paused-unexpectedly", "WARNING", "WARN",
      lambda v: f"[instance: {v.uuid()}] Instance is paused unexpectedly. Ignore.", {"module": "nova.compute.manager"}),
    T("nova/unexpected-event", "WARNING", "WARN",
      lambda v: f"[instance: {v.uuid()}] Received unexpected event network-vif-plugged-{v.uuid()} for instance with "
                "vm_state active and task_state None.", {"module": "nova.compute.manager"}),
    T("nova/unknown-base-file", "WARNING", "WARN",
      lambda v: f"Unknown base file: /var/lib/nova/instances/_base/{v.sha1()}", {"module": "nova.virt.libvirt.imagecache"}),
    T("nova/amqp-unreachable", "ERROR", "ERROR",
      lambda v: f"[{v.uuid()}] AMQP server on {v.host()}:5672 is unreachable: [Errno 111] ECONNREFUSED. Trying again "
                f"in {v.n(1, 32)} seconds. Client port: {v.port()}",
      {"module": "oslo.messaging._drivers.impl_rabbit", "req": "-"}),

    # ---- Apache 2.2 error log (Loghub Apache) ------------------------------------------------------------
    T("apache22/workerenv-error-state", "error", "ERROR",
      lambda v: f"mod_jk child workerEnv in error state {v.n(6, 9)}"),
    T("apache22/cant-find-child", "error", "ERROR",
      lambda v: f"jk2_init() Can't find child {v.n(1000, 32000)} in scoreboard"),
    T("apache22/directory-index-forbidden", "error", "ERROR",
      lambda v: f"[client {v.ip()}] Directory index forbidden by rule: /var/www/html/{v.pick(['', v.word() + '/'])}"),
    T("apache22/file-does-not-exist", "error", "ERROR",
      lambda v: f"[client {v.ip()}] File does not exist: /var/www/html/"
                f"{v.pick(['favicon.ico', 'robots.txt', 'wp-login.php', f'{v.word()}/{v.alnum(6)}.php', 'apple-touch-icon-precomposed.png', f'images/{v.word()}-{v.n(1, 999)}.jpg'])}"),
    # ---- Apache 2.4 error log ----------------------------------------------------------------------------
    T("apache24/proxy-connect-failed", "proxy:error", "ERROR",
      lambda v: (lambda p: f"(111)Connection refused: AH00957: HTTP: attempt to connect to {v.ip()}:{p} "
                           f"({v.host()}) failed")(v.pick([8080, 8009, 3000])), {"client": False}),
    T("apache24/client-denied", "authz_core:error", "ERROR",
      lambda v: f"AH01630: client denied by server configuration: /var/www/"
                f"{v.pick(['html/.git/config', 'html/server-status', f'{v.word()}/.env', 'html/backup/db.sql'])}",
      {"client": True}),
    T("apache24/script-timeout", "proxy_fcgi:error", "ERROR",
      lambda v: f"(70007)The timeout specified has expired: AH01075: Error dispatching request to : (polling)",
      {"client": True}),

    # ---- BGL (Blue Gene/L RAS log) ----------------------------------------------------------------------
    T("bgl/data-tlb-error", "FATAL", "FATAL", lambda v: "data TLB error interrupt", {"comp": "KERNEL"}),
    T("bgl/data-storage-interrupt", "FATAL", "FATAL", lambda v: "data storage interrupt", {"comp": "KERNEL"}),
    T("bgl/ciod-link-severed", "FATAL", "FATAL",
      lambda v: f"ciod: Error reading message prefix on CioStream socket to 172.16.{v.n(96, 99)}.{v.n(1, 254)}:"
                f"{v.port()}, Link has been severed", {"comp": "APP", "io": True}),
    T("bgl/ciod-reset-by-peer", "FATAL", "FATAL",
      lambda v: f"ciod: Error reading message prefix on CioStream socket to 172.16.{v.n(96, 99)}.{v.n(1, 254)}:"
                f"{v.port()}, Connection reset by peer", {"comp": "APP", "io": True}),
    T("bgl/ciod-login-chdir", "FATAL", "FATAL",
      lambda v: f"ciod: LOGIN chdir(/p/gb{v.n(1, 2)}/{v.user()}/{v.n(1, 64)}M_{v.n(100, 9000)}K/t{v.n(1, 999)}) "
                "failed: No such file or directory", {"comp": "APP", "io": True}),
    T("bgl/lustre-mount-failed", "FATAL", "FATAL",
      lambda v: f"Lustre mount FAILED : bglio{v.n(1, 99)} : point /p/gb{v.n(1, 2)}", {"comp": "KERNEL", "io": True}),
    T("bgl/rts-kernel-terminated", "FATAL", "FATAL",
      lambda v: f"rts: kernel terminated for reason {v.pick([1001, 1002, 1004, 1005])}", {"comp": "KERNEL"}),
    T("bgl/node-card-not-functional", "WARNING", "WARN", lambda v: "Node card is not fully functional",
      {"comp": "DISCOVERY", "facility": "NULL"}),
    T("bgl/node-card-vpd-mismatch", "SEVERE", "ERROR",
      lambda v: f"Node card VPD check: U{v.n(1, 99):02d} node in processor card slot J{v.n(2, 18):02d} do not match. "
                f"VPD ecid {v.HEX(26)}, found {v.HEX(26)}", {"comp": "DISCOVERY", "facility": "NULL"}),

    # ---- Syslog RFC 3164 from hosts (PRI = facility * 8 + severity) ------------------------------------
    T("rfc3164/su-failed", 34, "FATAL",
      lambda v: (lambda u: f"'su root' failed for {u} on /dev/pts/{v.n(0, 40)}")(v.user()), {"tag": "su", "pid": False}),
    T("rfc3164/sshd-max-auth", 35, "ERROR",
      lambda v: f"error: maximum authentication attempts exceeded for invalid user {v.user()} from {v.ip()} port "
                f"{v.port()} ssh2 [preauth]", {"tag": "sshd"}),
    T("rfc3164/sshd-bind-failed", 35, "ERROR",
      lambda v: f"error: Bind to port {v.pick([22, 22, 2222])} on {v.pick(['0.0.0.0', '::', v.ip()])} failed: "
                "Address already in use.", {"tag": "sshd"}),
    T("rfc3164/oom-killed", 3, "ERROR",
      lambda v: f"Out of memory: Killed process {v.n(300, 4_000_000)} ({v.pick(['java', 'python3', 'node', 'postgres', 'chrome', 'mysqld', 'ruby'])}) "
                f"total-vm:{v.n(10 ** 5, 10 ** 8)}kB, anon-rss:{v.n(10 ** 4, 10 ** 7)}kB, file-rss:{v.n(0, 9999)}kB, "
                f"shmem-rss:{v.n(0, 999)}kB, UID:{v.pick([0, 33, 999, 1000, 1001, 70])} pgtables:{v.n(100, 90000)}kB "
                f"oom_score_adj:{v.pick([0, 0, -998, -999, 1000, 999, 300])}", {"tag": "kernel", "pid": False}),
    T("rfc3164/haproxy-server-down", 129, "FATAL",
      lambda v: f"Server be_{v.word()}/{v.word()}-{v.n(1, 12)} is DOWN, reason: Layer4 connection problem, info: "
                f"\"Connection refused\", check duration: {v.n(0, 3)}ms. {v.n(0, 5)} active and 0 backup servers left. "
                f"{v.n(0, 40)} sessions active, 0 requeued, 0 remaining in queue.", {"tag": "haproxy"}),
    T("rfc3164/haproxy-no-server", 128, "FATAL",
      lambda v: f"backend be_{v.word()} has no server available!", {"tag": "haproxy"}),
    T("rfc3164/postfix-hostname-mismatch", 20, "WARN",
      lambda v: f"warning: hostname {v.alnum(3)}-{v.n(1, 255)}-{v.n(1, 255)}.{v.pick(['dynamic.isp.net', 'pool.example.com'])} "
                f"does not resolve to address {v.ip()}: Name or service not known", {"tag": "postfix/smtpd"}),

    # ---- rsyslog RFC 5424 forwarding of Consul's hclog lines -----------------------------------------
    T("consul/anti-entropy-no-servers", "ERROR", "ERROR",
      lambda v: 'agent.anti_entropy: failed to sync remote state: error="No known Consul servers"'),
    T("consul/rpc-failed", "ERROR", "ERROR",
      lambda v: f"agent.client: RPC failed to server: method={v.pick(['Catalog.Register', 'Health.ServiceNodes', 'KVS.Get'])} "
                f"server={v.ip()}:8300 error=\"rpc error making call: EOF\""),
    T("consul/check-critical", "WARN", "WARN",
      lambda v: f"agent: Check is now critical: check=service:{v.word()}-{v.n(1, 40)}"),
    T("consul/raft-heartbeat-timeout", "WARN", "WARN",
      lambda v: f"agent.server.raft: heartbeat timeout reached, starting election: last-leader-addr={v.ip()}:8300 "
                f"last-leader-id={v.uuid()}"),

    # ---- Prometheus (go-kit logfmt) on Kubernetes, CRI -------------------------------------------------
    T("prometheus/append-failed", "warn", "WARN",
      lambda v: f'component="scrape manager" scrape_pool={v.pick(["kubernetes-pods", "node-exporter", "kubelet"])}-'
                f'{v.word()} target=http://{v.ip()}:{v.pick([9100, 8080, 9102, 10250])}/metrics msg="Append failed" '
                'err="out of bounds"', {"caller": "scrape.go:1313"}),
    T("prometheus/out-of-order", "warn", "WARN",
      lambda v: f'component="scrape manager" scrape_pool={v.word()} target=http://{v.ip()}:{v.port()}/metrics '
                f'msg="Error on ingesting out-of-order samples" num_dropped={v.n(1, 5000)}', {"caller": "scrape.go:1654"}),
    T("prometheus/error-sending-alert", "error", "ERROR",
      lambda v: (lambda a: f'component=notifier alertmanager=http://{a}:9093/api/v2/alerts count={v.n(1, 64)} '
                           f'msg="Error sending alert" err="Post \\"http://{a}:9093/api/v2/alerts\\": context deadline '
                           'exceeded"')(v.ip()), {"caller": "notifier.go:527"}),
    T("prometheus/list-forbidden", "error", "ERROR",
      lambda v: f'component=k8s_client_runtime func=ErrorDepth msg="pkg/mod/k8s.io/client-go@v0.26.2/tools/cache/'
                f'reflector.go:169: Failed to watch *v1.Pod: failed to list *v1.Pod: pods is forbidden: User '
                f'\\"system:serviceaccount:{v.word()}:prometheus\\" cannot list resource \\"pods\\" in API group \\"\\" '
                'at the cluster scope"', {"caller": "klog.go:116"}),

    # ---- journald export (journalctl -o json): kernel, systemd, sudo, coredump ----------------------------
    T("journald/ext4-error", "2", "FATAL",
      lambda v: f"EXT4-fs error (device {disk(v, part=True, dm=True)}): "
                f"ext4_find_entry:{v.pick([1455, 1606, 1659])}: inode #{v.n(2, 9_000_000)}: comm "
                f"{v.pick(['ls', 'java', 'rsync', 'postgres', 'find'])}: reading directory lblock 0",
      {"ident": "kernel"}),
    T("journald/buffer-io-error", "3", "ERROR",
      lambda v: f"Buffer I/O error on dev {disk(v, part=v.chance(0.7))}, "
                f"logical block {v.n(0, 10 ** 9)}, async page read", {"ident": "kernel"}),
    T("journald/blk-io-error", "3", "ERROR",
      lambda v: f"blk_update_request: I/O error, dev {disk(v, part=False)}, "
                f"sector {v.n(0, 2 * 10 ** 9)} op 0x{v.n(0, 1)}:({v.pick(['READ', 'WRITE'])}) flags 0x{v.pick(['0', '800', '4000'])} "
                "phys_seg 1 prio class 0", {"ident": "kernel"}),
    T("journald/nvme-timeout", "4", "WARN",
      lambda v: (lambda d: f"nvme nvme{d}: I/O {v.n(0, 1023)} QID {v.n(1, 16)} timeout, aborting")(v.n(0, 3)),
      {"ident": "kernel"}),
    T("journald/md-disk-failure", "1", "FATAL",
      lambda v: (lambda md: f"md/raid1:md{md}: Disk failure on sd{v.pick(list('abcdef'))}{v.n(1, 4)}, disabling "
                            "device.")(v.pick([0, 1, 2, 126, 127])), {"ident": "kernel"}),
    T("journald/unit-failed-start", "3", "ERROR",
      lambda v: f"Failed to start {v.pick(['PostgreSQL Cluster 14-main', 'The nginx HTTP and reverse proxy server', 'kubelet: The Kubernetes Node Agent', f'{v.word().capitalize()} worker', 'Docker Application Container Engine'])}.",
      {"ident": "systemd", "pid1": True}),
    T("journald/unit-failed-result", "4", "WARN",
      lambda v: f"{v.pick(['nginx', 'kubelet', 'docker', f'{v.word()}-worker', f'postgresql@{v.n(12, 16)}-main', f'cron-{v.word()}'])}"
                f".service: Failed with result '{v.pick(['exit-code', 'exit-code', 'signal', 'timeout', 'core-dump'])}'.",
      {"ident": "systemd", "pid1": True}),
    T("journald/sudo-incorrect-password", "1", "FATAL",
      lambda v: (lambda u, k: f"{u} : {k} incorrect password attempt{'s' if k > 1 else ''} ; TTY=pts/{v.n(0, 20)} ; PWD=/home/{u} ; "
                           f"USER=root ; COMMAND=/usr/bin/{v.pick(['apt update', 'systemctl restart nginx', 'journalctl -xe', 'vim /etc/hosts'])}")(v.user(), v.n(1, 3)),
      {"ident": "sudo"}),
    T("journald/coredump", "2", "FATAL",
      lambda v: f"Process {v.n(300, 4_000_000)} ({v.pick(['python3', 'node', 'nginx', 'postgres', 'envoy', 'java'])}) "
                f"of user {v.pick([0, 33, 999, 1000, 1001])} dumped core.", {"ident": "systemd-coredump"}),

    # ---- Celery worker in Docker (json-file): [%(asctime)s: %(levelname)s/%(processName)s] -------------------
    T("celery/task-raised", "ERROR", "ERROR",
      lambda v: (f"Task shop.tasks.sync_invoice[{v.uuid()}] raised unexpected: ConnectionError('Error 111 connecting "
                 "to redis:6379. Connection refused.')",
                 py_traceback(v, _PY_CELERY, "redis.exceptions.ConnectionError: Error 111 connecting to redis:6379. "
                                             "Connection refused.",
                              chained="ConnectionRefusedError: [Errno 111] Connection refused")),
      {"proc": lambda v: f"ForkPoolWorker-{v.n(1, 64)}"}),
    T("celery/hard-time-limit", "ERROR", "ERROR",
      lambda v: f"Hard time limit ({v.pick([60, 300, 600, 1800])}s) exceeded for shop.tasks.generate_report[{v.uuid()}]",
      {"proc": lambda v: "MainProcess"}),
    T("celery/worker-killed", "ERROR", "ERROR",
      lambda v: f"Process 'ForkPoolWorker-{v.n(1, 64)}' pid:{v.n(20, 99999)} exited with 'signal 9 (SIGKILL)'",
      {"proc": lambda v: "MainProcess"}),
    T("celery/broker-unreachable", "ERROR", "ERROR",
      lambda v: (f"consumer: Cannot connect to amqp://{v.user()}:**@{v.pick(['rabbitmq', v.ip(), v.host()])}:5672//: "
                 "[Errno 111] Connection refused.",
                 [f"Trying again in {v.n(2, 32)}.00 seconds... ({v.n(1, 99)}/100)", ""]),
      {"proc": lambda v: "MainProcess"}),
    T("celery/broker-connection-lost", "WARNING", "WARN",
      lambda v: ("consumer: Connection to broker lost. Trying to re-establish the connection...",
                 py_traceback(v, [("/usr/local/lib/python3.11/site-packages/celery/worker/consumer/consumer.py",
                                   "start", "blueprint.start(self)"),
                                  ("/usr/local/lib/python3.11/site-packages/kombu/connection.py", "drain_events",
                                   "return self.transport.drain_events(self.connection, **kwargs)")],
                              "ConnectionResetError: [Errno 104] Connection reset by peer")),
      {"proc": lambda v: "MainProcess"}),

    # ---- gunicorn error log -------------------------------------------------------------------------
    T("gunicorn/worker-timeout", "CRITICAL", "FATAL", lambda v: f"WORKER TIMEOUT (pid:{v.n(7, 99999)})"),
    T("gunicorn/error-handling-request", "ERROR", "ERROR",
      lambda v: (f"Error handling request {v.api_path()}",
                 py_traceback(v, [("/usr/local/lib/python3.11/site-packages/gunicorn/workers/sync.py", "handle",
                                   "self.handle_request(listener, req, client, addr)"),
                                  ("/usr/local/lib/python3.11/site-packages/gunicorn/workers/sync.py", "handle_request",
                                   "for item in respiter:")],
                              "OSError: [Errno 32] Broken pipe")),),
    T("gunicorn/sigkill-oom", "ERROR", "ERROR",
      lambda v: f"Worker (pid:{v.n(7, 99999)}) was sent SIGKILL! Perhaps out of memory?"),
    T("gunicorn/terminated-by-signal", "WARNING", "WARN",
      lambda v: f"Worker with pid {v.n(7, 99999)} was terminated due to signal {v.pick([9, 15, 6, 11])}"),

    # ---- Django (LOGGING 'verbose' formatter of the Django docs) ------------------------------------------
    T("django/internal-server-error", "ERROR", "ERROR",
      lambda v: (f"Internal Server Error: /{v.word()}/{v.n()}/",
                 py_traceback(v, _PY_WEB, "TypeError: unsupported operand type(s) for *: 'NoneType' and 'Decimal'")),
      {"module": "log"}),
    T("django/not-found", "WARNING", "WARN",
      lambda v: f"Not Found: {v.pick([f'/static/css/app-{v.hex(8)}.min.css', '/wp-login.php', f'/{v.word()}/{v.n()}/', '/.env', f'/media/uploads/{v.n(2020, 2026)}/{v.n(1, 12):02d}/{v.alnum(8)}.jpg'])}",
      {"module": "log"}),
    T("django/csrf-forbidden", "WARNING", "WARN",
      lambda v: f"Forbidden (CSRF cookie not set.): /{v.word()}/{v.pick(['cart', 'checkout', 'login', 'api/orders'])}/",
      {"module": "csrf"}),

    # ---- Python logging (cookbook format) -------------------------------------------------------------
    T("pylog/export-write-failed", "ERROR", "ERROR",
      lambda v: (lambda p: (f"Could not write {p}: [Errno 28] No space left on device",
                            py_traceback(v, _PY_APP, f"OSError: [Errno 28] No space left on device: '{p}'")))(
          f"{v.pick(['./exports', 'exports', '../shared/exports'])}/{v.word()}-{v.user()}/report-{v.n(2024, 2026)}-"
          f"{v.n(1, 12):02d}-{v.n(1, 28):02d}.csv"), {"name": "exporter.writers"}),
    T("pylog/skipping-changed-file", "WARNING", "WARN",
      lambda v: f"Skipping {v.pick(['data', './data', '/srv/data', '../inbox'])}/{v.word()}/{v.alnum(6)}-{v.n(1, 999)}."
                f"{v.pick(['json', 'csv', 'tar.gz', 'jsonl'])}: file changed during read", {"name": "exporter.sync"}),
    T("pylog/pool-exhausted", "CRITICAL", "FATAL",
      lambda v: f"Database connection pool exhausted after {v.n(3, 30)} retries, shutting down",
      {"name": "exporter.db"}),

    # ---- Spring Boot (logback default console pattern) on Kubernetes, CRI -----------------------------
    T("spring/servlet-exception", "ERROR", "ERROR",
      lambda v: ("Servlet.service() for servlet [dispatcherServlet] in context with path [] threw exception [Request "
                 "processing failed; nested exception is java.lang.NullPointerException] with root cause",
                 java_trace(v, "java.lang.NullPointerException: null", _JSPRING)),
      {"logger": "o.a.c.c.C.[.[.[/].[dispatcherServlet]", "thread": lambda v: f"http-nio-8080-exec-{v.n(1, 200)}"}),
    T("spring/hikari-starvation", "WARN", "WARN",
      lambda v: f"HikariPool-{v.n(1, 3)} - Thread starvation or clock leap detected (housekeeper delta="
                f"{v.n(1, 9)}m{v.n(0, 59)}s{v.n(0, 999)}ms{v.n(0, 999999)}ns).",
      {"logger": "com.zaxxer.hikari.pool.HikariPool", "thread": lambda v: f"HikariPool-{v.n(1, 3)} housekeeper"}),
    T("spring/sql-error-state", "WARN", "WARN", lambda v: "SQL Error: 0, SQLState: 23505",
      {"logger": "o.h.engine.jdbc.spi.SqlExceptionHelper", "thread": lambda v: f"http-nio-8080-exec-{v.n(1, 200)}"}),
    T("spring/duplicate-key", "ERROR", "ERROR",
      lambda v: (lambda c, k, val: (f'ERROR: duplicate key value violates unique constraint "{c}"',
                                    [f"  Detail: Key ({k})=({val}) already exists."]))(
          *v.pick([("users_email_key", "email", v.email()), ("orders_pkey", "id", str(v.n())),
                   ("uk_sku", "sku", f"SKU-{v.n(10000, 99999)}"), ("payments_idempotency_key_key", "idempotency_key", v.uuid())])),
      {"logger": "o.h.engine.jdbc.spi.SqlExceptionHelper", "thread": lambda v: f"http-nio-8080-exec-{v.n(1, 200)}"}),
    T("spring/kafka-consumer-exception", "ERROR", "ERROR",
      lambda v: ("Consumer exception",
                 java_trace(v, "java.lang.IllegalStateException: This error handler cannot process "
                               "'SerializationException's directly; please consider configuring an "
                               "'ErrorHandlingDeserializer' in the value and/or key deserializer",
                            ["org.springframework.kafka.listener.DefaultErrorHandler.handleOtherException("
                             "DefaultErrorHandler.java:{line})",
                             "org.springframework.kafka.listener.KafkaMessageListenerContainer$ListenerConsumer."
                             "handleConsumerException(KafkaMessageListenerContainer.java:{line})",
                             "org.springframework.kafka.listener.KafkaMessageListenerContainer$ListenerConsumer.run("
                             "KafkaMessageListenerContainer.java:{line})",
                             "java.base/java.util.concurrent.FutureTask.run(FutureTask.java:264)",
                             "java.base/java.lang.Thread.run(Thread.java:833)"],
                            cause=(f"org.apache.kafka.common.errors.RecordDeserializationException: Error deserializing "
                                   f"key/value for partition {v.word()}-events-{v.n(0, 23)} at offset {v.n(0, 10 ** 8)}. "
                                   "If needed, please seek past the record to continue consumption.",
                                   ["org.apache.kafka.clients.consumer.internals.Fetcher.parseRecord(Fetcher.java:{line})",
                                    "org.apache.kafka.clients.consumer.internals.Fetcher.access$3400(Fetcher.java:{line})"]))),
      {"logger": "o.s.k.l.KafkaMessageListenerContainer",
       "thread": lambda v: f"org.springframework.kafka.KafkaListenerEndpointContainer#{v.n(0, 3)}-{v.n(0, 9)}-C-1"}),
    T("spring/application-run-failed", "ERROR", "ERROR",
      lambda v: ("Application run failed",
                 java_trace(v, f"org.springframework.beans.factory.BeanCreationException: Error creating bean with name "
                               f"'entityManagerFactory' defined in class path resource [org/springframework/boot/"
                               f"autoconfigure/orm/jpa/HibernateJpaConfiguration.class]: Unable to open JDBC Connection "
                               f"for DDL execution",
                            ["org.springframework.beans.factory.support.AbstractAutowireCapableBeanFactory.initializeBean("
                             "AbstractAutowireCapableBeanFactory.java:{line})",
                             "org.springframework.context.support.AbstractApplicationContext.refresh("
                             "AbstractApplicationContext.java:{line})",
                             "org.springframework.boot.SpringApplication.run(SpringApplication.java:{line})",
                             "com.acme.orders.OrdersApplication.main(OrdersApplication.java:12)"],
                            cause=(f"org.postgresql.util.PSQLException: Connection to {v.host()}:5432 refused. Check "
                                   "that the hostname and port are correct and that the postmaster is accepting "
                                   "TCP/IP connections.",
                                   ["org.postgresql.core.v3.ConnectionFactoryImpl.openConnectionImpl("
                                    "ConnectionFactoryImpl.java:{line})",
                                    "org.postgresql.Driver.makeConnection(Driver.java:{line})"]))),
      {"logger": "o.s.boot.SpringApplication", "thread": lambda v: "main"}),

    # ---- nginx error log in Docker (json-file, stderr) --------------------------------------------------
    T("nginx/connect-refused", "error", "ERROR",
      lambda v: "connect() failed (111: Connection refused) while connecting to upstream" + nginx_tail(v)),
    T("nginx/timeout-reading-header", "error", "ERROR",
      lambda v: "upstream timed out (110: Connection timed out) while reading response header from upstream"
                + nginx_tail(v)),
    T("nginx/timeout-connecting", "error", "ERROR",
      lambda v: "upstream timed out (110: Connection timed out) while connecting to upstream" + nginx_tail(v)),
    T("nginx/open-failed", "error", "ERROR",
      lambda v: (lambda f: f'open() "/usr/share/nginx/html/{f}" failed (2: No such file or directory)'
                           + nginx_tail(v, upstream=False, method="GET", path="/" + f))(
          v.pick(["favicon.ico", "robots.txt", ".env", "wp-login.php", f"assets/{v.word()}-{v.hex(8)}.js",
                  f"img/{v.word()}_{v.n(1, 999)}.webp", "apple-touch-icon-precomposed.png"])), {"conn": True}),
    T("nginx/buffered-to-temp-file", "warn", "WARN",
      lambda v: f"an upstream response is buffered to a temporary file /var/cache/nginx/proxy_temp/{v.n(0, 9)}/"
                f"{v.n(0, 99):02d}/{v.n(10 ** 9, 10 ** 10 - 1):010d} while reading upstream" + nginx_tail(v)),
    T("nginx/ssl-handshake-failed", "crit", "FATAL",
      lambda v: f"SSL_do_handshake() failed (SSL: error:141CF06C:SSL routines:tls_parse_ctos_key_share:bad key share) "
                f"while SSL handshaking, client: {v.ip()}, server: 0.0.0.0:443"),
    T("nginx/host-not-found-upstream", "emerg", "FATAL",
      lambda v: f'host not found in upstream "{v.word()}-{v.pick(["svc", "api", "backend"])}:{v.pick([80, 3000, 8000, 8080])}" '
                f"in /etc/nginx/conf.d/{v.pick(['default', v.word(), 'upstreams'])}.conf:{v.n(2, 90)}", {"conn": False}),

    # ---- PostgreSQL (log_line_prefix '%m [%p] ') ---------------------------------------------------
    T("postgres/duplicate-key", "ERROR", "ERROR",
      lambda v: (lambda c, k, val: (f'duplicate key value violates unique constraint "{c}"',
                                    [f"DETAIL:  Key ({k})=({val}) already exists.",
                                     f"STATEMENT:  {pg_stmt(v)}"]))(
          *v.pick([("orders_pkey", "id", str(v.n())), ("users_email_key", "email", v.email()),
                   ("payments_idem_key", "idempotency_key", v.uuid())]))),
    T("postgres/deadlock", "ERROR", "ERROR",
      lambda v: (lambda a, b, x, y: ("deadlock detected",
                                     [f"DETAIL:  Process {a} waits for ShareLock on transaction {x}; blocked by process {b}.",
                                      f"\tProcess {b} waits for ShareLock on transaction {y}; blocked by process {a}.",
                                      f"\tProcess {a}: {pg_stmt(v)}",
                                      f"\tProcess {b}: {pg_stmt(v)}",
                                      "HINT:  See server log for query details.",
                                      f"CONTEXT:  while updating tuple ({v.n(0, 9999)},{v.n(1, 90)}) in relation \"inventory\"",
                                      f"STATEMENT:  {pg_stmt(v)}"]))(v.n(100, 4_000_000), v.n(100, 4_000_000),
                                                                    v.n(10 ** 5, 10 ** 9), v.n(10 ** 5, 10 ** 9))),
    T("postgres/statement-timeout", "ERROR", "ERROR",
      lambda v: ("canceling statement due to statement timeout", [f"STATEMENT:  {pg_stmt(v)}"])),
    T("postgres/password-auth-failed", "FATAL", "FATAL",
      lambda v: (lambda u: (f'password authentication failed for user "{u}"',
                            ["DETAIL:  " + v.pick([f'Role "{u}" does not exist.', f'Password does not match for user "{u}".']),
                             f'\tConnection matched pg_hba.conf line {v.n(80, 130)}: "host all all 0.0.0.0/0 '
                             f'{v.pick(["md5", "scram-sha-256"])}"']))(v.user())),
    T("postgres/database-missing", "FATAL", "FATAL",
      lambda v: f'database "{v.word()}_{v.pick(["prod", "staging", "test", "dev"])}" does not exist'),
    T("postgres/role-missing", "FATAL", "FATAL", lambda v: f'role "{v.user()}" does not exist'),
    T("postgres/wal-no-space", "PANIC", "FATAL",
      lambda v: f'could not write to file "pg_wal/xlogtemp.{v.n(100, 4_000_000)}": No space left on device'),
    T("postgres/no-transaction", "WARNING", "WARN", lambda v: "there is no transaction in progress"),

    # ---- Redis in Docker (json-file, stdout); '#' = warning ------------------------------------------
    T("redis/bgsave-error", "#", "WARN", lambda v: "Background saving error", {"role": "M"}),
    T("redis/rdb-open-failed", "#", "WARN",
      lambda v: (lambda p: f"Failed opening the RDB file temp-{p}.rdb (in server root dir "
                           f"{v.pick(['/data', '/var/lib/redis', '/usr/local/redis', '/etc'])}) for saving: "
                           f"{v.pick(['Permission denied', 'No space left on device', 'Read-only file system'])}")(v.n(20, 99999)),
      {"role": "C"}),
    T("redis/replica-lost", "#", "WARN", lambda v: f"Connection with replica {v.ip()}:{v.pick([6379, 6380, v.port()])} lost.",
      {"role": "M"}),
    T("redis/master-lost", "#", "WARN", lambda v: "Connection with master lost.", {"role": "S"}),
    T("redis/write-error", "#", "WARN", lambda v: "Write error saving DB on disk: No space left on device", {"role": "C"}),
    T("redis/tcp-backlog", "#", "WARN",
      lambda v: f"WARNING: The TCP backlog setting of 511 cannot be enforced because /proc/sys/net/core/somaxconn is "
                f"set to the lower value of {v.pick([128, 64, 256])}.", {"role": "M"}),

    # ---- MongoDB structured JSON log (4.4+) ---------------------------------------------------------
    T("mongodb/socket-connectivity", "W", "WARN",
      lambda v: {"c": "NETWORK", "id": 4615610, "ctx": f"ReplicaSetMonitor-TaskExecutor",
                 "msg": "Failed to check socket connectivity",
                 "attr": {"error": {"code": 6, "codeName": "HostUnreachable", "errmsg": "Connection closed by peer"}}}),
    T("mongodb/wiredtiger-error", "E", "ERROR",
      lambda v: (lambda f: {"c": "STORAGE", "id": 22435, "ctx": "Checkpointer", "msg": "WiredTiger error",
                            "attr": {"error": 28, "message": f"[{v.n(1_700_000_000, 1_800_000_000)}:{v.n(0, 999999)}]"
                                                            f"[{v.n(1, 99)}:0x7f{v.hex(10)}], file:{f}, "
                                                            f"WT_SESSION.checkpoint: __posix_file_write, 611: /data/db/{f}: "
                                                            "handle-write: pwrite: failed to write 4096 bytes at offset "
                                                            f"{v.n(0, 10 ** 9)}: No space left on device"}})(
          f"collection-{v.n(0, 999)}-{v.n(10 ** 17, 10 ** 19)}.wt")),
    T("mongodb/fatal-assertion", "F", "FATAL",
      lambda v: {"c": "-", "id": 23089, "ctx": v.pick(["Checkpointer", "WTCheckpointThread", f"conn{v.n(1, 99999)}"]),
                 "msg": "Fatal assertion",
                 "attr": {"msgid": 50853, "file": "src/mongo/db/storage/wiredtiger/wiredtiger_util.cpp", "line": 589}}),
    T("mongodb/plan-executor-error", "W", "WARN",
      lambda v: {"c": "QUERY", "id": 23798, "ctx": f"conn{v.n(1, 99999)}", "msg": "Plan executor error during find command",
                 "attr": {"error": {"code": 292, "codeName": "QueryExceededMemoryLimitNoDiskUseAllowed",
                                    "errmsg": "Executor error during find command :: caused by :: Sort exceeded memory "
                                              "limit of 104857600 bytes, but did not opt in to external sorting."},
                          "cmd": {"find": v.word(), "filter": {"customerId": v.n()}, "sort": {"createdAt": -1},
                                  "$db": f"{v.word()}_prod"}}}),

    # ---- Laravel (Monolog LineFormatter with stack traces) --------------------------------------------
    T("laravel/db-connection-refused", "ERROR", "ERROR",
      lambda v: (lambda uid, sql: (f"SQLSTATE[HY000] [2002] Connection refused (Connection: mysql, SQL: {sql}) "
                                   f'{{"userId":{uid},"exception":"[object] (Illuminate\\\\Database\\\\QueryException(code: 2002): '
                                   f"SQLSTATE[HY000] [2002] Connection refused (Connection: mysql, SQL: {sql}) at /var/www/html/"
                                   f"vendor/laravel/framework/src/Illuminate/Database/Connection.php:{v.n(700, 830)})",
                                   laravel_trace(v)))(
          v.n(), f"select * from `{v.word()}` where `id` = {v.n()} limit 1")),
    T("laravel/member-function-on-null", "ERROR", "ERROR",
      lambda v: (lambda c: (f"Call to a member function getKey() on null "
                            f'{{"userId":{v.n()},"exception":"[object] (Error(code: 0): Call to a member function getKey() '
                            f"on null at /var/www/html/app/Http/Controllers/{c}Controller.php:{v.n(20, 400)})",
                            laravel_trace(v, "app")))(v.word().capitalize())),
    T("laravel/webhook-timeout", "WARNING", "WARN",
      lambda v: (lambda u: f"Failed to send webhook to {u}: cURL error 28: Operation timed out after "
                           f"{v.n(5000, 30010)} milliseconds with 0 bytes received (see https://curl.haxx.se/libcurl/c/"
                           f"libcurl-errors.html) for {u}")(f"https://{v.host()}/hooks/{v.alnum(16)}")),
    T("laravel/emergency-logger", "EMERGENCY", "FATAL",
      lambda v: ("Unable to create configured logger. Using emergency logger. "
                 '{"exception":"[object] (UnexpectedValueException(code: 0): The stream or file '
                 f'\\"/var/www/html/storage/logs/laravel-{v.n(2024, 2026)}-{v.n(1, 12):02d}-{v.n(1, 28):02d}.log\\" '
                 "could not be opened in append mode: Failed to open stream: Permission denied at /var/www/html/"
                 f"vendor/monolog/monolog/src/Monolog/Handler/StreamHandler.php:{v.n(100, 200)})",
                 laravel_trace(v, "log"))),

    # ---- Node.js pino (Fastify) on Kubernetes, CRI ----------------------------------------------------
    T("pino/request-errored", 50, "ERROR",
      lambda v: (lambda a: {"reqId": f"req-{v.alnum(v.n(1, 4))}",
                            "req": {"method": v.pick(["POST", "PUT", "GET"]), "url": v.api_path(), "hostname": v.host(),
                                    "remoteAddress": v.ip(), "remotePort": v.port()},
                            "res": {"statusCode": 500},
                            "err": {"type": "Error", "message": f"connect ECONNREFUSED {a}:5432",
                                    "stack": f"Error: connect ECONNREFUSED {a}:5432\n    at TCPConnectWrap.afterConnect "
                                             "[as oncomplete] (node:net:1555:16)"},
                            "body": pino_body(v, v.chance(0.35)), "msg": "request errored"})(v.ip())),
    T("pino/request-4xx", 40, "WARN",
      lambda v: {"reqId": f"req-{v.alnum(v.n(1, 4))}", "res": {"statusCode": v.pick([400, 401, 403, 404, 409, 422, 429])},
                 "responseTime": v.n(1, 900), "msg": "request completed"}),
    T("pino/eaddrinuse", 60, "FATAL",
      lambda v: (lambda p: {"err": {"type": "Error", "message": f"listen EADDRINUSE: address already in use :::{p}",
                                    "stack": f"Error: listen EADDRINUSE: address already in use :::{p}\n    at "
                                             "Server.setupListenHandle [as _listen2] (node:net:1817:16)",
                                    "code": "EADDRINUSE", "errno": -98, "syscall": "listen", "address": "::", "port": p},
                            "msg": f"listen EADDRINUSE: address already in use :::{p}"})(v.pick([3000, 8080, v.port()]))),

    # ---- Windows CBS.log ---------------------------------------------------------------------------------
    T("cbs/open-package-failed", "Error", "ERROR",
      lambda v: (lambda h: f"Failed to internally open package. [HRESULT = {h[0]} - {h[1]}]")(
          v.pick([("0x800f0805", "CBS_E_INVALID_PACKAGE"), ("0x80070005", "E_ACCESSDENIED"),
                  ("0x80070570", "ERROR_FILE_OR_DIRECTORY_CORRUPTED"), ("0x800f081f", "CBS_E_SOURCE_MISSING")]))),
    T("cbs/backup-log-cab", "Error", "ERROR",
      lambda v: "Failed to create backup log cab. [HRESULT = 0x80070001 - ERROR_INVALID_FUNCTION]"),

    # ---- Android logcat (threadtime) -----------------------------------------------------------------------
    T("logcat/unable-to-start-service", "W", "WARN",
      lambda v: (lambda pkg: f"Unable to start service Intent {{ act={pkg}.action.{v.pick(['SYNC', 'PUSH', 'BIND'])} "
                             f"cmp={pkg}/.{v.word().capitalize()}Service }} U={v.pick([0, 0, 10])}: not found")(
          f"com.{v.word()}.{v.word()}"), {"tag": "ActivityManager"}),
    T("logcat/socket-timeout", "W", "WARN",
      lambda v: (lambda h: f"java.net.SocketTimeoutException: failed to connect to {h}/{v.ip()} (port 443) from "
                           f"/{v.ip()} (port {v.port()}) after {v.pick([10000, 15000, 30000])}ms")(f"api.{v.word()}.io"),
      {"tag": "System.err"}),
    T("logcat/db-open-failed", "E", "ERROR",
      lambda v: f"Failed to open database '/data/user/0/com.{v.word()}.app/databases/{v.word()}-{v.n(1, 9)}.db'.",
      {"tag": "SQLiteDatabase"}),

    # ---- klog (kube-controller-manager / kube-apiserver) on Kubernetes, CRI ------------------------------------
    T("klog/watch-failed", "E", "ERROR",
      lambda v: (lambda a: f'k8s.io/client-go/informers/factory.go:150: Failed to watch *v1.{v.pick(["Pod", "Node", "Secret", "ConfigMap", "Endpoints"])}: '
                           f'failed to list: Get "https://{a}:6443/api/v1/pods?limit=500&resourceVersion={v.n(0, 10 ** 8)}": '
                           f"dial tcp {a}:6443: connect: connection refused")(v.ip()),
      {"file": "reflector.go:158"}),
    T("klog/lease-retrieve-error", "E", "ERROR",
      lambda v: (lambda c: f'error retrieving resource lock kube-system/{c}: Get "https://{v.ip()}:6443/apis/'
                           f'coordination.k8s.io/v1/namespaces/kube-system/leases/{c}?timeout=5s": context deadline '
                           "exceeded")(v.pick(["kube-controller-manager", "kube-scheduler"])),
      {"file": "leaderelection.go:332"}),
    T("klog/short-watch", "W", "WARN",
      lambda v: f"k8s.io/client-go/informers/factory.go:150: watch of *v1.{v.pick(['Pod', 'Endpoints', 'Lease'])} "
                "ended with: very short watch: k8s.io/client-go/informers/factory.go:150: Unexpected watch close - "
                "watch lasted less than a second and no items received", {"file": "reflector.go:347"}),
    T("klog/sync-error", "E", "ERROR",
      lambda v: (lambda ns, d: f'"Unhandled Error" err="error syncing \'{ns}/{d}\': Operation cannot be fulfilled on '
                               f'deployments.apps \\"{d}\\": the object has been modified; please apply your changes to '
                               'the latest version and try again" logger="UnhandledError"')(v.word(), f"{v.word()}-{v.pick(['api', 'worker', 'web'])}"),
      {"file": "deployment_controller.go:495"}),
]


# --------------------------------------------------------------------------------------------------------
# Noise (INFO / DEBUG / NOTICE), per source, rendered by the same format code as events
# --------------------------------------------------------------------------------------------------------
NOISE: list[T] = [
    T("hdfs/n1", "INFO", "INFO", lambda v: f"PacketResponder {v.n(0, 2)} for block {blk(v)} terminating",
      {"comp": "dfs.DataNode$PacketResponder"}),
    T("hdfs/n2", "INFO", "INFO", lambda v: f"Receiving block {blk(v)} src: /{v.ip()}:{v.port()} dest: /{v.ip()}:50010",
      {"comp": "dfs.DataNode$DataXceiver"}),
    T("hdfs/n3", "INFO", "INFO",
      lambda v: f"BLOCK* NameSystem.addStoredBlock: blockMap updated: {v.ip()}:50010 is added to {blk(v)} size "
                f"{v.pick([67108864, v.n(1000, 67108864)])}", {"comp": "dfs.FSNamesystem"}),
    T("hdfs/n4", "INFO", "INFO",
      lambda v: f"BLOCK* NameSystem.allocateBlock: /user/root/rand{v.n(1, 9)}/_temporary/_task_{v.n(2008 * 10 ** 8, 2009 * 10 ** 8)}"
                f"_{v.n(1, 9):04d}_m_{v.n(0, 9999):06d}_0/part-{v.n(0, 9999):05d}. {blk(v)}", {"comp": "dfs.FSNamesystem"}),
    T("hadoop/n1", "INFO", "INFO",
      lambda v: f"{hadoop_attempt(v)} TaskAttempt Transitioned from {v.pick(['RUNNING to SUCCESS_CONTAINER_CLEANUP', 'ASSIGNED to RUNNING', 'NEW to UNASSIGNED'])}",
      {"logger": "org.apache.hadoop.mapreduce.v2.app.job.impl.TaskAttemptImpl",
       "thread": lambda v: "AsyncDispatcher event handler"}),
    T("hadoop/n2", "INFO", "INFO",
      lambda v: f"Progress of TaskAttempt {hadoop_attempt(v)} is : 0.{v.n(0, 99999)}",
      {"logger": "org.apache.hadoop.mapred.TaskAttemptListenerImpl",
       "thread": lambda v: f"IPC Server handler {v.n(0, 29)} on {v.port()}"}),
    T("hadoop/n3", "INFO", "INFO",
      lambda v: f"Address change detected. Old: {v.host()}/{v.ip()}:8030 New: {v.host()}:8030",
      {"logger": "org.apache.hadoop.ipc.Client", "thread": lambda v: "RMCommunicator Allocator"}),
    T("zookeeper/n1", "INFO", "INFO", lambda v: f"Received connection request /{v.ip()}:{v.port()}",
      {"where": "QuorumCnxManager$Listener@493", "thread": lambda v: f"/{v.ip()}:3888"}),
    T("zookeeper/n2", "INFO", "INFO",
      lambda v: f"Expiring session 0x{v.hex(15).lstrip('0')}, timeout of {v.pick([10000, 30000, 40000])}ms exceeded",
      {"where": "ZooKeeperServer@355", "thread": lambda v: "SessionTracker"}),
    T("zookeeper/n3", "INFO", "INFO",
      lambda v: f"Established session 0x{v.hex(15).lstrip('0')} with negotiated timeout {v.pick([10000, 30000])} for client "
                f"/{v.ip()}:{v.port()}", {"where": "ZooKeeperServer@617", "thread": lambda v: "CommitProcessor:1"}),
    T("spark/n1", "INFO", "INFO", lambda v: f"Running task {v.n(0, 400)}.0 in stage {v.n(0, 80)}.0 (TID {v.n(0, 99999)})",
      {"logger": "executor.Executor"}),
    T("spark/n2", "INFO", "INFO", lambda v: f"Found block rdd_{v.n(0, 400)}_{v.n(0, 999)} locally",
      {"logger": "storage.BlockManager"}),
    T("spark/n3", "INFO", "INFO",
      lambda v: f"Block rdd_{v.n(0, 400)}_{v.n(0, 999)} stored as bytes in memory (estimated size {v.n(1, 999)}.{v.n(0, 9)} KB, "
                f"free {v.n(1, 999)}.{v.n(0, 9)} MB)", {"logger": "storage.MemoryStore"}),
    T("nova/n1", "INFO", "INFO",
      lambda v: f"[instance: {v.uuid()}] VM {v.pick(['Started', 'Paused', 'Resumed', 'Stopped'])} (Lifecycle Event)",
      {"module": "nova.compute.manager"}),
    T("nova/n2", "INFO", "INFO",
      lambda v: f'{v.ip()} "GET /v2/{v.hex(32)}/servers/detail HTTP/1.1" status: {v.pick([200, 200, 200, 404, 500])} '
                f"len: {v.n(200, 3000)} time: {v.n(0, 1)}.{v.n(0, 9999999):07d}", {"module": "nova.osapi_compute.wsgi.server"}),
    T("nova/n3", "INFO", "INFO",
      lambda v: f"[instance: {v.uuid()}] Took {v.n(0, 40)}.{v.n(0, 99):02d} seconds to build instance.",
      {"module": "nova.compute.manager"}),
    T("apache22/n1", "notice", "INFO", lambda v: f"jk2_init() Found child {v.n(1000, 32000)} in scoreboard slot {v.n(6, 10)}"),
    T("apache22/n2", "notice", "INFO", lambda v: "workerEnv.init() ok /etc/httpd/conf/workers2.properties"),
    T("apache24/n1", "mpm_event:notice", "INFO",
      lambda v: "AH00489: Apache/2.4.57 (Unix) configured -- resuming normal operations", {"client": False}),
    T("apache24/n2", "core:notice", "INFO", lambda v: "AH00094: Command line: 'httpd -D FOREGROUND'", {"client": False}),
    T("bgl/n1", "INFO", "INFO", lambda v: "instruction cache parity error corrected", {"comp": "KERNEL"}),
    T("bgl/n2", "INFO", "INFO", lambda v: f"generating core.{v.n(1, 30000)}", {"comp": "KERNEL"}),
    T("bgl/n3", "INFO", "INFO",
      lambda v: f"{v.n(1, 9)} ddr errors(s) detected and corrected on rank 0, symbol {v.n(0, 35)}, bit {v.n(0, 7)}",
      {"comp": "KERNEL"}),
    T("bgl/n4", "INFO", "INFO", lambda v: f"CE sym {v.n(0, 35)}, at 0x{v.hex(8)}, mask 0x{v.hex(2)}", {"comp": "KERNEL"}),
    T("rfc3164/n1", 86, "INFO",
      lambda v: f"Accepted publickey for {v.user()} from {v.ip()} port {v.port()} ssh2: ED25519 SHA256:{v.alnum(43, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/')}",
      {"tag": "sshd"}),
    T("rfc3164/n2", 85, "INFO",
      lambda v: f"pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost={v.ip()}  "
                f"user={v.user()}", {"tag": "sshd"}),
    T("rfc3164/n3", 30, "INFO", lambda v: f"Started Session {v.n(1, 99999)} of User {v.user()}.", {"tag": "systemd", "pid": False}),
    T("rfc3164/n4", 134, "INFO",
      lambda v: f"{v.ip()}:{v.port()} [{v.n(1, 28):02d}/Nov/2026:10:{v.n(0, 59):02d}:{v.n(0, 59):02d}.{v.n(0, 999):03d}] "
                f"fe_https~ be_{v.word()}/{v.word()}-{v.n(1, 9)} 0/0/{v.n(0, 9)}/{v.n(1, 900)}/{v.n(1, 999)} "
                f"{v.pick([200, 200, 304, 404, 500, 502])} {v.n(100, 99999)} - - ---- {v.n(1, 999)}/{v.n(1, 999)}/0/0/0 0/0 "
                f'"GET {v.api_path()} HTTP/1.1"', {"tag": "haproxy"}),
    T("consul/n1", "INFO", "INFO", lambda v: f"agent: Synced service: service={v.word()}-{v.n(1, 40)}"),
    T("consul/n2", "DEBUG", "INFO", lambda v: f"agent: Check status updated: check=service:{v.word()} status=passing"),
    T("prometheus/n1", "info", "INFO",
      lambda v: f'component=tsdb msg="Head GC completed" caller=head.go:{v.n(1000, 1400)} duration={v.n(1, 999)}.{v.n(0, 999)}ms',
      {"caller": "head.go:1233"}),
    T("prometheus/n2", "info", "INFO",
      lambda v: f'component=tsdb msg="write block" mint={v.n(1_700_000_000_000, 1_800_000_000_000)} '
                f'maxt={v.n(1_700_000_000_000, 1_800_000_000_000)} ulid=01H{v.alnum(23, "0123456789ABCDEFGHJKMNPQRSTVWXYZ")} '
                f"duration={v.n(100, 9999)}.{v.n(0, 999)}ms", {"caller": "compact.go:519"}),
    T("journald/n1", "6", "INFO", lambda v: f"Started Session {v.n(1, 99999)} of User {v.user()}.", {"ident": "systemd", "pid1": True}),
    T("journald/n2", "5", "INFO",
      lambda v: f"EXT4-fs (sd{v.pick(list('bcd'))}{v.n(1, 4)}): mounted filesystem with ordered data mode. Quota mode: none.",
      {"ident": "kernel"}),
    T("journald/n3", "6", "INFO", lambda v: f"New session {v.n(1, 99999)} of user {v.user()}.", {"ident": "systemd-logind"}),
    T("journald/n4", "7", "INFO", lambda v: f"usb {v.n(1, 4)}-{v.n(1, 4)}: new high-speed USB device number {v.n(2, 40)} using xhci_hcd",
      {"ident": "kernel"}),
    T("celery/n1", "INFO", "INFO", lambda v: f"Task shop.tasks.sync_invoice[{v.uuid()}] received", {"proc": lambda v: "MainProcess"}),
    T("celery/n2", "INFO", "INFO",
      lambda v: f"Task shop.tasks.sync_invoice[{v.uuid()}] succeeded in {v.n(0, 30)}.{v.n(0, 10 ** 9)}s: None",
      {"proc": lambda v: f"ForkPoolWorker-{v.n(1, 64)}"}),
    T("gunicorn/n1", "INFO", "INFO", lambda v: f"Booting worker with pid: {v.n(7, 99999)}"),
    T("gunicorn/n2", "INFO", "INFO", lambda v: "Handling signal: term"),
    T("django/n1", "INFO", "INFO",
      lambda v: f'"GET {v.api_path()} HTTP/1.1" {v.pick([200, 200, 302, 500])} {v.n(0, 90000)}', {"module": "basehttp"}),
    T("pylog/n1", "INFO", "INFO", lambda v: f"Exported {v.n(0, 100000)} rows for {v.word()} in {v.n(1, 900)}.{v.n(0, 9)}s "
                                            f"({v.n(0, 3)} errors ignored)", {"name": "exporter.jobs"}),
    T("pylog/n2", "DEBUG", "INFO", lambda v: f"Opening {v.pick(['./exports', '/srv/data'])}/{v.word()}/batch-{v.n()}.jsonl",
      {"name": "exporter.writers"}),
    T("spring/n1", "INFO", "INFO",
      lambda v: f"Completed initialization in {v.n(1, 99)} ms",
      {"logger": "o.s.web.servlet.DispatcherServlet", "thread": lambda v: f"http-nio-8080-exec-{v.n(1, 200)}"}),
    T("spring/n2", "DEBUG", "INFO",
      lambda v: f"HikariPool-1 - Pool stats (total={v.n(1, 20)}, active={v.n(0, 20)}, idle={v.n(0, 20)}, waiting={v.n(0, 9)})",
      {"logger": "com.zaxxer.hikari.pool.HikariPool", "thread": lambda v: "HikariPool-1 housekeeper"}),
    T("spring/n3", "INFO", "INFO", lambda v: f"Tomcat started on port(s): 8080 (http) with context path ''",
      {"logger": "o.s.b.w.embedded.tomcat.TomcatWebServer", "thread": lambda v: "main"}),
    T("nginx/n1", "access", "INFO", lambda v: "access"),
    T("nginx/n2", "notice", "INFO", lambda v: f"start worker process {v.n(20, 99)}", {"conn": False}),
    T("postgres/n1", "LOG", "INFO", lambda v: "checkpoint starting: time"),
    T("postgres/n2", "LOG", "INFO",
      lambda v: f"checkpoint complete: wrote {v.n(0, 9999)} buffers ({v.n(0, 99)}.{v.n(0, 9)}%); 0 WAL file(s) added, "
                f"{v.n(0, 9)} removed, {v.n(0, 9)} recycled; write={v.n(0, 300)}.{v.n(0, 999):03d} s, sync=0.{v.n(0, 999):03d} s"),
    T("postgres/n3", "LOG", "INFO",
      lambda v: ("checkpoints are occurring too frequently (" + str(v.n(2, 29)) + " seconds apart)",
                 ['HINT:  Consider increasing the configuration parameter "max_wal_size".'])),
    T("postgres/n4", "LOG", "INFO", lambda v: f"connection received: host={v.ip()} port={v.port()}"),
    T("redis/n1", "*", "INFO", lambda v: f"{v.n(1, 10000)} changes in {v.pick([60, 300, 900, 3600])} seconds. Saving...",
      {"role": "M"}),
    T("redis/n2", "*", "INFO", lambda v: f"Background saving started by pid {v.n(20, 99999)}", {"role": "M"}),
    T("redis/n3", "*", "INFO", lambda v: "DB saved on disk", {"role": "C"}),
    T("mongodb/n1", "I", "INFO",
      lambda v: {"c": "NETWORK", "id": 22943, "ctx": "listener", "msg": "Connection accepted",
                 "attr": {"remote": f"{v.ip()}:{v.port()}", "uuid": {"uuid": {"$uuid": v.uuid()}},
                          "connectionId": v.n(1, 99999), "connectionCount": v.n(1, 900)}}),
    T("mongodb/n2", "I", "INFO",
      lambda v: {"c": "NETWORK", "id": 22944, "ctx": f"conn{v.n(1, 99999)}", "msg": "Connection ended",
                 "attr": {"remote": f"{v.ip()}:{v.port()}", "uuid": {"uuid": {"$uuid": v.uuid()}},
                          "connectionId": v.n(1, 99999), "connectionCount": v.n(1, 900)}}),
    T("laravel/n1", "INFO", "INFO", lambda v: f"User {v.n()} logged in from {v.ip()}"),
    T("laravel/n2", "DEBUG", "INFO", lambda v: f"Cache miss for key {v.word()}:{v.n()}"),
    T("pino/n1", 30, "INFO",
      lambda v: {"reqId": f"req-{v.alnum(v.n(1, 4))}", "res": {"statusCode": v.pick([200, 200, 201, 204, 304])},
                 "responseTime": v.n(1, 900), "msg": "request completed"}),
    T("pino/n2", 30, "INFO",
      lambda v: {"reqId": f"req-{v.alnum(v.n(1, 4))}", "req": {"method": "GET", "url": v.api_path(), "hostname": v.host(),
                                                           "remoteAddress": v.ip(), "remotePort": v.port()},
                 "msg": "incoming request"}),
    T("cbs/n1", "Info", "INFO",
      lambda v: f"Session: {v.n(30_000_000, 31_000_000)}_{v.n(10 ** 9, 4 * 10 ** 9)} initialized by client "
                f"{v.pick(['WindowsUpdateAgent', 'SPP', 'DISM Package Manager Provider'])}."),
    T("cbs/n2", "Info", "INFO", lambda v: "Failed to get next element [HRESULT = 0x800f080d - CBS_E_MANIFEST_INVALID_ITEM]"),
    T("cbs/n3", "Info", "INFO",
      lambda v: f"Read out cached package applicability for package: Package_for_KB{v.n(2_000_000, 5_999_999)}~"
                f"31bf3856ad364e35~amd64~~6.1.{v.n(1, 9)}.{v.n(0, 9)}, ApplicableState: 112, CurrentState:112"),
    T("logcat/n1", "I", "INFO",
      lambda v: f"Start proc {v.n(1000, 32000)}:com.{v.word()}.app/u0a{v.n(10, 400)} for service "
                f"com.{v.word()}.app/.{v.word().capitalize()}Service", {"tag": "ActivityManager"}),
    T("logcat/n2", "D", "INFO", lambda v: f"onReceive, action:android.intent.action.{v.pick(['SCREEN_ON', 'TIME_TICK', 'BATTERY_CHANGED'])}",
      {"tag": "PowerManagerService"}),
    T("klog/n1", "I", "INFO", lambda v: f'"Caches are synced" controller="{v.pick(["endpoint_slice", "deployment", "job", "node"])}"',
      {"file": "shared_informer.go:320"}),
    T("klog/n2", "I", "INFO",
      lambda v: f'"Event occurred" object="{v.word()}/{v.pod()}" fieldPath="" kind="Pod" apiVersion="v1" type="Normal" '
                f'reason="Scheduled" message="Successfully assigned {v.word()}/{v.pod()} to {v.host()}"',
      {"file": "event.go:307"}),
]


# --------------------------------------------------------------------------------------------------------
# Formats: (v, t, template, message) -> (header line, drain input, continuation lines)
# --------------------------------------------------------------------------------------------------------
def _ms(t):
    return t.microsecond // 1000


def _split(msg):
    return (msg[0], list(msg[1])) if isinstance(msg, tuple) else (msg, [])


def f_hdfs(v, t, tp, msg):
    body = f"{hdfs_thread(v)} {tp.level} {tp.ctx['comp']}: {msg}"
    return f"{t:%y%m%d %H%M%S} {body}", body


def _thread(tp, v, msg):
    fn = tp.ctx["thread"]
    return fn(v, msg) if fn.__code__.co_argcount == 2 else fn(v)


def f_hadoop(v, t, tp, msg):
    body = f"{tp.level} [{_thread(tp, v, msg)}] {tp.ctx['logger']}: {msg}"
    return f"{t:%Y-%m-%d %H:%M:%S},{_ms(t):03d} {body}", body


def f_zookeeper(v, t, tp, msg):
    body = f"{tp.level:<5} [{_thread(tp, v, msg)}:{tp.ctx['where']}] - {msg}"
    return f"{t:%Y-%m-%d %H:%M:%S},{_ms(t):03d} - {body}", body


def f_spark(v, t, tp, msg):
    body = f"{tp.level} {tp.ctx['logger']}: {msg}"
    return f"{t:%y/%m/%d %H:%M:%S} {body}", body


def f_nova(v, t, tp, msg):
    req = tp.ctx.get("req") or v.pick([f"req-{v.uuid()} - - - - -", f"req-{v.uuid()} {v.hex(32)} {v.hex(32)} - - -", "-"])
    body = f"{v.n(1000, 65000)} {tp.level} {tp.ctx['module']} [{req}] {msg}"
    return f"{t:%Y-%m-%d %H:%M:%S}.{_ms(t):03d} {body}", body


def f_apache22(v, t, tp, msg):
    body = f"[{tp.level}] {msg}"
    return f"[{t:%a %b %d %H:%M:%S %Y}] {body}", body


def f_apache24(v, t, tp, msg):
    client = f" [client {v.ip()}:{v.port()}]" if tp.ctx.get("client") else ""
    body = f"[{tp.level}] [pid {v.n(10, 99999)}:tid {v.n(10 ** 14, 10 ** 15 - 1)}]{client} {msg}"
    return f"[{t:%a %b %d %H:%M:%S}.{t.microsecond:06d} {t:%Y}] {body}", body


def f_bgl(v, t, tp, msg):
    node = bgl_node(v, io=tp.ctx.get("io", False))
    epoch = int(t.replace(tzinfo=timezone.utc).timestamp())
    fac = tp.ctx.get("facility", "RAS")
    line = f"{epoch} {t:%Y.%m.%d} {node} {t:%Y-%m-%d-%H.%M.%S}.{t.microsecond:06d} {node} {fac} {tp.ctx['comp']} " \
           f"{tp.level} {msg}"
    return line, f"{node} {node} {fac} {tp.ctx['comp']} {tp.level} {msg}"


def _rfc3164_ts(t):
    return f"{t:%b} {t.day:>2} {t:%H:%M:%S}"


def f_rfc3164(v, t, tp, msg):
    tag = tp.ctx["tag"] + (f"[{v.n(100, 4_000_000)}]" if tp.ctx.get("pid", True) else "")
    body = f"{v.host()} {tag}: {msg}"
    return f"<{tp.level}>{_rfc3164_ts(t)} {body}", body


_HCLOG = {"ERROR": ("[ERROR]", 131), "WARN": ("[WARN] ", 132), "INFO": ("[INFO] ", 134), "DEBUG": ("[DEBUG]", 135)}


def f_consul(v, t, tp, msg):
    lvl, pri = _HCLOG[tp.level]
    host, pid = f"consul-{v.n(0, 9)}.{v.pick(['dc1', 'eu-west-1', 'prod'])}.consul", v.n(100, 99999)
    ts5424 = f"{t:%Y-%m-%dT%H:%M:%S}.{t.microsecond:06d}+00:00"
    inner = f"{t:%Y-%m-%dT%H:%M:%S}.{_ms(t):03d}Z {lvl} {msg}"
    return f"<{pri}>1 {ts5424} {host} consul {pid} - - {inner}", f"{host} consul {pid} - - {lvl} {msg}"


def f_prometheus(v, t, tp, msg):
    body = f"caller={tp.ctx['caller']} level={tp.level} {msg}"
    return f"ts={t:%Y-%m-%dT%H:%M:%S}.{_ms(t):03d}Z {body}", body


def f_journald(v, t, tp, msg):
    ident = tp.ctx["ident"]
    host = v.host()
    us = int(t.replace(tzinfo=timezone.utc).timestamp() * 1_000_000)
    boot = v.hex(32)
    rec = {"__CURSOR": f"s={v.hex(32)};i={v.hex(6)};b={boot};m={v.hex(10)};t={us:x};x={v.hex(16)}",
           "__REALTIME_TIMESTAMP": str(us), "__MONOTONIC_TIMESTAMP": str(v.n(10 ** 8, 10 ** 13)), "_BOOT_ID": boot,
           "_MACHINE_ID": v.hex(32), "_HOSTNAME": host, "PRIORITY": str(tp.level)}
    if ident == "kernel":
        rec.update({"_TRANSPORT": "kernel", "SYSLOG_FACILITY": "0", "SYSLOG_IDENTIFIER": "kernel"})
        shown = "kernel"
    else:
        pid = 1 if tp.ctx.get("pid1") else v.n(100, 4_000_000)
        rec.update({"_TRANSPORT": "journal" if ident in ("systemd", "systemd-coredump", "systemd-logind") else "syslog",
                    "SYSLOG_FACILITY": "10" if ident == "sudo" else "3", "SYSLOG_IDENTIFIER": ident,
                    "_PID": str(pid), "_UID": "0", "_GID": "0", "_COMM": ident,
                    "_SYSTEMD_CGROUP": "/init.scope" if pid == 1 else f"/system.slice/{ident}.service"})
        shown = f"{ident}[{pid}]"
    rec["MESSAGE"] = msg
    rec["_SOURCE_REALTIME_TIMESTAMP"] = str(us - v.n(1, 900))
    return json.dumps(rec, separators=(",", ":"), ensure_ascii=False), f"{host} {shown}: {msg}"


def f_celery(v, t, tp, msg):
    body = f"{tp.level}/{tp.ctx['proc'](v)}] {msg}"
    return f"[{t:%Y-%m-%d %H:%M:%S},{_ms(t):03d}: {body}", "[" + body


def f_gunicorn(v, t, tp, msg):
    body = f"[{v.n(1, 99999)}] [{tp.level}] {msg}"
    return f"[{t:%Y-%m-%d %H:%M:%S} +0000] {body}", body


def f_django(v, t, tp, msg):
    rest = f"{tp.ctx['module']} {v.n(1, 99999)} {v.n(139_000_000_000_000, 140_999_999_999_999)} {msg}"
    return f"{tp.level} {t:%Y-%m-%d %H:%M:%S},{_ms(t):03d} {rest}", f"{tp.level} {rest}"


def f_pylog(v, t, tp, msg):
    body = f"{tp.ctx['name']} - {tp.level} - {msg}"
    return f"{t:%Y-%m-%d %H:%M:%S},{_ms(t):03d} - {body}", body


def f_spring(v, t, tp, msg):
    thread = _thread(tp, v, msg)[-15:]
    logger = tp.ctx["logger"]
    if len(logger) > 39:                       # %-40.40logger{39}: abbreviate package segments, then cut
        parts = logger.split(".")
        logger = ".".join([p[0] for p in parts[:-1]] + [parts[-1]])[-40:]
    body = f"{tp.level:>5} 1 --- [{thread:>15}] {logger:<40} : {msg}"
    return f"{t:%Y-%m-%d %H:%M:%S}.{_ms(t):03d} {body}", body


def f_nginx(v, t, tp, msg):
    if tp.level == "access":
        status = v.pick([200, 200, 200, 301, 304, 404, 499, 500, 502, 504])
        line = f'{v.ip()} - {v.pick(["-", v.user()])} [{t:%d/%b/%Y:%H:%M:%S} +0000] "{v.pick(["GET", "POST"])} ' \
               f'{v.api_path()} HTTP/1.1" {status} {v.n(0, 90000)} "-" "{v.pick(["Mozilla/5.0 (X11; Linux x86_64)", "curl/8.4.0", "okhttp/4.12.0"])}"'
        return line, line
    pid = v.n(20, 99) if tp.ctx.get("conn", True) else 1
    conn = f" *{v.n(1, 10 ** 7)}" if tp.ctx.get("conn", True) else ""
    body = f"[{tp.level}] {pid}#{pid}:{conn} {msg}"
    return f"{t:%Y/%m/%d %H:%M:%S} {body}", body


def f_postgres(v, t, tp, msg):
    pid = v.n(100, 4_000_000)
    prefix = f"{t:%Y-%m-%d %H:%M:%S}.{_ms(t):03d} UTC [{pid}] "
    return f"{prefix}{tp.level}:  {msg}", f"[{pid}] {tp.level}:  {msg}", prefix


def f_redis(v, t, tp, msg):
    head = f"{v.n(1, 99999)}:{tp.ctx['role']}"
    return f"{head} {t:%d %b %Y %H:%M:%S}.{_ms(t):03d} {tp.level} {msg}", f"{head} {tp.level} {msg}"


def f_mongodb(v, t, tp, msg):
    d = dict(msg)
    head = f'"s":"{tp.level}",  ' + f'"c":"{d.pop("c")}",'.ljust(16) + f'"id":{d.pop("id")},'.ljust(14)
    rest = ",".join(f"{json.dumps(k)}:{json.dumps(val, separators=(',', ':'))}" for k, val in d.items())
    ts = f'{{"t":{{"$date":"{t:%Y-%m-%dT%H:%M:%S}.{_ms(t):03d}+00:00"}},'
    return ts + head + rest + "}", "{" + head + rest + "}"


def f_laravel(v, t, tp, msg):
    body = f"production.{tp.level}: {msg}"
    return f"[{t:%Y-%m-%d %H:%M:%S}] {body}", body


def f_pino(v, t, tp, msg):
    d = {k: val for k, val in msg.items() if val is not None}
    head = {"level": tp.level, "time": v.epoch_ms(t), "pid": 1, "hostname": v.pod(v.pick(["checkout", "api", "gateway"]))}
    line = json.dumps({**head, **d}, separators=(",", ":"), ensure_ascii=False)
    del head["time"]
    return line, json.dumps({**head, **d}, separators=(",", ":"), ensure_ascii=False)


def f_cbs(v, t, tp, msg):
    comp = "CBS"
    return f"{t:%Y-%m-%d %H:%M:%S}, {tp.level:<22}{comp:<7}{msg}", f"{tp.level} {comp} {msg}"


def f_logcat(v, t, tp, msg):
    pid = v.n(300, 32000)
    body = f"{pid:>5} {pid + v.n(0, 400):>5} {tp.level} {tp.ctx['tag']}: {msg}"
    return f"{t:%m-%d %H:%M:%S}.{_ms(t):03d} {body}", body


def f_klog(v, t, tp, msg):
    tid = v.pick([1, 1, 1, v.n(10, 99)])
    return f"{tp.level}{t:%m%d %H:%M:%S}.{t.microsecond:06d} {tid:>7} {tp.ctx['file']}] {msg}", \
        f"{tp.level} {tid} {tp.ctx['file']}] {msg}"


# source -> (format function, envelope, stream)
SOURCES = {
    "hdfs": (f_hdfs, None, None), "hadoop": (f_hadoop, None, None), "zookeeper": (f_zookeeper, None, None),
    "spark": (f_spark, "cri", "stderr"), "nova": (f_nova, None, None), "apache22": (f_apache22, None, None),
    "apache24": (f_apache24, None, None), "bgl": (f_bgl, None, None), "rfc3164": (f_rfc3164, None, None),
    "consul": (f_consul, None, None), "prometheus": (f_prometheus, "cri", "stderr"),
    "journald": (f_journald, None, None), "celery": (f_celery, "docker", "stderr"),
    "gunicorn": (f_gunicorn, None, None), "django": (f_django, None, None), "pylog": (f_pylog, None, None),
    "spring": (f_spring, "cri", "stdout"), "nginx": (f_nginx, "docker", "stderr"), "postgres": (f_postgres, None, None),
    "redis": (f_redis, "docker", "stdout"), "mongodb": (f_mongodb, None, None), "laravel": (f_laravel, None, None),
    "pino": (f_pino, "cri", "stdout"), "cbs": (f_cbs, None, None), "logcat": (f_logcat, None, None),
    "klog": (f_klog, "cri", "stderr"),
}
FORMAT_NAMES = {
    "hdfs": "HDFS", "hadoop": "Hadoop log4j", "zookeeper": "Zookeeper log4j", "spark": "Spark log4j (CRI)",
    "nova": "OpenStack oslo.log", "apache22": "Apache 2.2 error", "apache24": "Apache 2.4 error", "bgl": "BGL RAS",
    "rfc3164": "syslog RFC 3164", "consul": "syslog RFC 5424 + hclog", "prometheus": "go-kit logfmt (CRI)",
    "journald": "journald JSON", "celery": "celery logging (Docker)", "gunicorn": "gunicorn",
    "django": "Django logging", "pylog": "Python logging", "spring": "Spring Boot logback (CRI)",
    "nginx": "nginx error (Docker)", "postgres": "PostgreSQL", "redis": "Redis (Docker)", "mongodb": "MongoDB JSON",
    "laravel": "Monolog/Laravel", "pino": "pino JSON (CRI)", "cbs": "Windows CBS", "logcat": "Android logcat",
    "klog": "klog (CRI)",
}


# --------------------------------------------------------------------------------------------------------
# Envelopes
# --------------------------------------------------------------------------------------------------------
def _rfc3339nano(t: datetime, extra_ns: int) -> str:
    frac = f"{t.microsecond:06d}{extra_ns:03d}".rstrip("0")   # Go's RFC3339Nano drops trailing zeros
    return f"{t:%Y-%m-%dT%H:%M:%S}" + (f".{frac}" if frac else "") + "Z"


def _go_json(obj) -> str:
    s = json.dumps(obj, separators=(",", ":"), ensure_ascii=False)
    return s.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") \
        .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def wrap(v: V, env, stream, t: datetime, lines: list[str]) -> list[str]:
    if env is None:
        return lines
    out = []
    us = 0
    for line in lines:
        ts = _rfc3339nano(t + timedelta(microseconds=us), v.n(0, 999))
        us += v.n(1, 40)
        if env == "docker":
            out.append(_go_json({"log": line + "\n", "stream": stream, "time": ts}))
        else:                                   # CRI: long lines are split into P chunks, the last one F
            data = line.encode()
            chunks = [data[k:k + CRI_MAX_LINE] for k in range(0, len(data), CRI_MAX_LINE)] or [b""]
            for j, c in enumerate(chunks):
                tag = "F" if j == len(chunks) - 1 else "P"
                out.append(f"{ts} {stream} {tag} {c.decode(errors='ignore')}")
    return out


def render(v: V, t: datetime, tp: T) -> tuple[list[str], str]:
    """Physical lines of one record (wrapped in its source's envelope) and the Drain input."""
    fmt, env, stream = SOURCES[tp.source]
    msg, extra = _split(tp.msg(v))
    res = fmt(v, t, tp, msg)
    header, drain = res[0], res[1]
    if tp.source == "postgres":               # every line of a PostgreSQL report has the prefix
        extra = [(res[2] + e) if not e.startswith("\t") else e for e in extra]
    if tp.source == "nginx" and tp.level == "access":
        stream = "stdout"
    return wrap(v, env, stream, t, [header] + extra), drain


# --------------------------------------------------------------------------------------------------------
# Corpus
# --------------------------------------------------------------------------------------------------------
def build_corpus(n_events: int = 4000, seed: int = 20261127):
    rng = random.Random(seed)
    v = V(rng)
    order = list(range(len(TEMPLATES)))
    rng.shuffle(order)
    weights = [0.0] * len(TEMPLATES)
    for rank, idx in enumerate(order, 1):
        weights[idx] = 1.0 / rank ** 0.9           # Zipf-like: a few templates dominate, a long tail is rare
    by_source: dict[str, list[int]] = {}
    for i, tp in enumerate(TEMPLATES):
        by_source.setdefault(tp.source, []).append(i)
    noise_by_source: dict[str, list[T]] = {}
    for tp in NOISE:
        noise_by_source.setdefault(tp.source, []).append(tp)

    t = datetime(2026, 11, 27, 9, 0, 0)
    lines: list[str] = []
    events = []
    while len(events) < n_events:
        src = TEMPLATES[rng.choices(range(len(TEMPLATES)), weights)[0]].source
        idxs = by_source[src]
        burst = min(n_events - len(events), 1 + int(rng.expovariate(1 / 4)))
        for _ in range(burst):
            for _ in range(rng.choice([0, 1, 1, 2, 2, 3, 5])):
                t += timedelta(microseconds=rng.randint(1, 400_000))
                noise_lines, _ = render(v, t, rng.choice(noise_by_source[src]))
                lines += noise_lines
            t += timedelta(microseconds=rng.randint(1, 900_000))
            idx = rng.choices(idxs, [weights[i] for i in idxs])[0]
            ev_lines, drain = render(v, t, TEMPLATES[idx])
            events.append({"line": len(lines) + 1, "level": TEMPLATES[idx].cls, "label": idx, "drain_input": drain})
            lines += ev_lines
    return "\n".join(lines) + "\n", events, TEMPLATES
