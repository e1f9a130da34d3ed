"""Level fields of many shapes (CONTRACTS.md, Severity classes): a format's own severity marker is its level field,
whatever its shape - glued to a channel, after many logfmt pairs, after tag words, a Title-case column, a number on
the format's own scale - and it decides the line, whatever words the message holds. Traces inside JSON error objects
count in stack_traces."""
import json



def scan_table(scan_stable, by_line, table):
    """Scans the (line, class or None) table; checks the events and `lines`; returns the summary."""
    summary, events = scan_stable("".join(line + "\n" for line, *_ in table))
    assert by_line(events) == {n: row[1] for n, row in enumerate(table, 1) if row[1]}
    assert summary["lines"] == len(table)
    return summary


def single_line_blocks(table):
    return [([row[0]], {1: row[1]} if row[1] else {}, row[2] if len(row) > 2 else 0) for row in table]


# --- a level glued to a channel: Monolog / Laravel / Symfony ----------------------------------------------------------

MONOLOG = [
    ('[2026-11-29 10:00:00] production.INFO: User login {"id":7} []', None),
    ('[2026-11-29 10:00:01] production.ERROR: Payment capture failed {"order":4711} []', "ERROR"),
    ("[2026-11-29 10:00:02] local.WARNING: Cache store unreachable, falling back to array  ", "WARN"),
    ("[2026-11-29 10:00:03] local.CRITICAL: Payment gateway down  ", "FATAL"),
    ("[2026-11-29 10:00:04] local.EMERGENCY: Database unreachable  ", "FATAL"),
    ('[2026-11-29 10:00:05] production.ALERT: Disk full on /var/www {"free":0} []', "FATAL"),
    ("[2026-11-29 10:00:06] production.NOTICE: Error page template cached [] []", None),
    ("[2026-11-29 10:00:07] production.DEBUG: error handler registered [] []", None),
    ("[2026-11-29 10:00:08] testing.INFO: Critical section entered, warning count 0 [] []", None),
    # Monolog 2/3 default date format, other channels
    ('[2026-11-29T10:00:09.123456+00:00] app.ERROR: Uncaught exception in worker {"job":"mail"} []', "ERROR"),
    (r'[2026-11-29T10:00:10.123456+00:00] request.CRITICAL: Uncaught PHP Exception Symfony\Component\HttpKernel'
     r'\Exception\NotFoundHttpException: "No route found for "GET /x"" at /var/www/vendor/symfony/http-kernel/'
     r'EventListener/RouterListener.php line 136 {"exception":"[object] (Symfony\\Component\\HttpKernel\\Exception'
     r'\\NotFoundHttpException(code: 0): No route found at /var/www/vendor/symfony/http-kernel/EventListener/'
     r'RouterListener.php:136)"} []', "FATAL"),
    ('[2026-11-29T10:00:11.123456+00:00] security.WARNING: Authentication failure for user "bob" [] []', "WARN"),
    ("[2026-11-29T10:00:12.123456+00:00] doctrine.DEBUG: SELECT error_code FROM errors [] []", None),
]


def test_monolog_channel_levels(scan_stable, by_line):
    scan_table(scan_stable, by_line, MONOLOG)


LARAVEL_TRACE = [  # Laravel's single-file log: the context JSON spans the [stacktrace] lines up to `"} `
    r'[2026-11-29 10:00:05] production.ERROR: SQLSTATE[HY000] [2002] Connection refused (SQL: select * from `users`)'
    r' {"exception":"[object] (Illuminate\\Database\\QueryException(code: 2002): SQLSTATE[HY000] [2002] Connection'
    r' refused (SQL: select * from `users`) at /var/www/vendor/laravel/framework/src/Illuminate/Database/'
    r'Connection.php:712)',
    "[stacktrace]",
    r"#0 /var/www/vendor/laravel/framework/src/Illuminate/Database/Connection.php(672): Illuminate\\Database\\"
    r"Connection->runQueryCallback()",
    r"#1 /var/www/vendor/laravel/framework/src/Illuminate/Foundation/Exceptions/Handler.php(381): Illuminate\\"
    r"Foundation\\Exceptions\\Handler->report(Object(ErrorException))",
    "#2 {main}",
    "",
    r"[previous exception] [object] (PDOException(code: 2002): SQLSTATE[HY000] [2002] Connection refused at /var/www/"
    r"vendor/laravel/framework/src/Illuminate/Database/Connectors/Connector.php:70)",
    "[stacktrace]",
    "#0 /var/www/vendor/laravel/framework/src/Illuminate/Database/Connectors/Connector.php(70): PDO->__construct()",
    "#1 {main}",
    '"} ',
]


def test_laravel_stacktrace_belongs_to_its_event(scan_stable, by_line):
    lines = ['[2026-11-29 10:00:00] production.INFO: User login {"id":7} []'] + LARAVEL_TRACE + [
        "[2026-11-29 10:00:06] local.WARNING: Cache store unreachable, falling back to array  "]
    summary, events = scan_stable("".join(x + "\n" for x in lines))
    # 2-12: one ERROR event with its trace (the [previous exception] and #N frame lines are no events); 13 WARN
    assert by_line(events) == {2: "ERROR", 13: "WARN"}
    assert summary["stack_traces"] == 1
    assert summary["lines"] == 13


def monolog_noise(n):
    if n % 7 == 0:
        return f"[2026-11-29 10:00:00] production.DEBUG: error handler {n} registered [] []"
    return f'[2026-11-29 10:{n // 60 % 60:02d}:{n % 60:02d}] production.INFO: Request handled {{"id":{n}}} []'


def test_monolog_long_file(compose, scan_stable, by_line):
    blocks = single_line_blocks(MONOLOG) + [(LARAVEL_TRACE, {1: "ERROR"}, 1)]
    data, expected, traces, n_lines = compose(blocks * 3, monolog_noise, total=3000, seed=41)
    summary, events = scan_stable(data)
    assert by_line(events) == expected
    assert summary["stack_traces"] == traces == 3
    assert summary["lines"] == n_lines


# --- logfmt: the level key anywhere among the pairs -------------------------------------------------------------------

LOGFMT = [
    # 8 pairs before level=
    ('ts=2026-11-29T10:00:01Z caller=main.go:42 component=api method=GET path=/v1/orders status=502 duration=1.2s '
     'trace_id=4bf92f3577b34da6 level=error msg="upstream failed"', "ERROR"),
    ('ts=2026-11-29T10:00:02Z caller=main.go:42 component=api method=GET path=/v1/orders status=200 duration=0.9s '
     'trace_id=4bf92f3577b34da7 level=warn msg="slow upstream"', "WARN"),
    ('ts=2026-11-29T10:00:03Z caller=main.go:42 component=api method=GET path=/v1/errors status=200 duration=0.1s '
     'trace_id=4bf92f3577b34da8 level=info msg="error page served" error=none', None),
    # 12 pairs before level=
    ("ts=2026-11-29T10:00:04Z caller=db.go:7 component=db pool=main host=db01 port=5432 user=app database=orders "
     'sslmode=require application_name=api retries=3 timeout=5s level=fatal msg="cannot connect"', "FATAL"),
    ('level=error ts=2026-11-29T10:00:05Z caller=main.go:9 msg="level first"', "ERROR"),
    ('ts=2026-11-29T10:00:06Z caller=main.go:9 msg="level last" level=warning', "WARN"),
    # a quoted value that holds `level=error` is not the level field
    ('ts=2026-11-29T10:00:07Z msg="parsing level=error from config" err="none" component=cfg level=info', None),
    ('time="2026-11-29T10:00:08Z" host=web01 app=api env=prod region=eu-west-1 pod=api-7d9c request_id=ab12 '
     'user_id=42 level="error" msg="quoted level value"', "ERROR"),
    ('ts=2026-11-29T10:00:09Z err="connection refused" caller=x.go:1 component=api method=POST path=/v1/pay '
     'status=503 duration=3s trace_id=aa level=debug msg="will retry"', None),
    ("ts=2026-11-29T10:00:10Z caller=main.go:1 component=api method=GET path=/ status=500 duration=1s trace_id=ab "
     'severity=critical msg="panic recovered"', "FATAL"),
]


def test_logfmt_level_after_many_pairs(scan_stable, by_line):
    scan_table(scan_stable, by_line, LOGFMT)


def test_logfmt_log15_levels(scan_stable, by_line):
    # log15 / Grafana write their own level words: eror, crit, warn, info, dbug
    scan_table(scan_stable, by_line, [
        ('t=2026-11-29T10:00:00+0000 lvl=eror msg="Failed to send alert notification" logger=alerting.notifier '
         'error="timeout"', "ERROR"),
        ('t=2026-11-29T10:00:01+0000 lvl=warn msg="Scheduler is running behind" logger=alerting.scheduler', "WARN"),
        ('t=2026-11-29T10:00:02+0000 lvl=info msg="HTTP Server Listen" logger=http.server address=[::]:3000 '
         'error=none', None),
        ('t=2026-11-29T10:00:03+0000 lvl=crit msg="Critical error" logger=server reason="db locked"', "FATAL"),
        ('t=2026-11-29T10:00:04+0000 lvl=dbug msg="error check done" logger=x', None),
    ])


def test_logfmt_long_file(compose, scan_stable, by_line):
    data, expected, _, n_lines = compose(
        single_line_blocks(LOGFMT) * 3,
        lambda n: (f"ts=2026-11-29T10:00:00Z caller=main.go:42 component=api method=GET path=/v1/orders/{n} "
                   f"status=200 duration={n % 9}ms trace_id={n:016x} level=info msg=\"request served\" error=none"),
        total=3000, seed=42)
    summary, events = scan_stable(data)
    assert by_line(events) == expected
    assert summary["lines"] == n_lines


# --- tag words in front of the header (BGL RAS logs) ------------------------------------------------------------------

BGL = [
    ("- 1700000000 2023.11.14 R10-M0-N1-C:J02-U01 2023-11-14-22.13.20.123456 R10-M0-N1-C:J02-U01 RAS KERNEL INFO "
     "instruction cache parity error corrected", None),
    ("NODEMCHK 1700000100 2023.11.14 R11-M1-N2-C:J03-U11 2023-11-14-22.15.00.654321 R11-M1-N2-C:J03-U11 RAS KERNEL "
     "FATAL machine check interrupt (bit=0x1d): L2 dcache unit data parity error", "FATAL"),
    ("KERNDTLB 1700000200 2023.11.14 R12-M0-N3-C:J04-U01 2023-11-14-22.16.40.000001 R12-M0-N3-C:J04-U01 RAS KERNEL "
     "FATAL data TLB error interrupt", "FATAL"),
    ("APPREAD 1700000300 2023.11.14 R12-M0-N4-I:J18-U01 2023-11-14-22.18.20.222222 R12-M0-N4-I:J18-U01 RAS APP FATAL "
     "ciod: failed to read message prefix on control stream (CioStream socket to 172.16.96.116:33569)", "FATAL"),
    ("- 1700000400 2023.11.14 R13-M1-N0-C:J10-U01 2023-11-14-22.20.00.333333 R13-M1-N0-C:J10-U01 RAS KERNEL WARNING "
     "total of 14 ddr error(s) detected and corrected over 3600 seconds", "WARN"),
    ("- 1700000500 2023.11.14 R13-M1-N0-C:J10-U01 2023-11-14-22.21.40.444444 R13-M1-N0-C:J10-U01 RAS KERNEL SEVERE "
     "link receiver x- input pipe error(s) (dcr 0x02fc) detected and corrected", "ERROR"),
    ("KERNMEM 1700000600 2023.11.14 R14-M0-N2-C:J07-U11 2023-11-14-22.23.20.555555 R14-M0-N2-C:J07-U11 RAS KERNEL "
     "ERROR memory controller reported 3 uncorrectable errors", "ERROR"),
    ("- 1700000700 2023.11.14 R14-M0-N2-C:J07-U11 2023-11-14-22.25.00.666666 NULL RAS MMCS ERROR idoproxydb hit "
     "ASSERT condition: ASSERT expression=0", "ERROR"),
    ("- 1700000800 2023.11.14 R14-M0-N2-C:J07-U11 2023-11-14-22.26.40.777777 R14-M0-N2-C:J07-U11 RAS KERNEL INFO "
     "generating core.4412", None),
    ("KERNPAN 1700000900 2023.11.14 R15-M1-N5-C:J11-U01 2023-11-14-22.28.20.888888 R15-M1-N5-C:J11-U01 RAS KERNEL "
     "FATAL kernel panic", "FATAL"),
    ("- 1700001000 2023.11.14 R16-M0-N1-C:J02-U01 2023-11-14-22.30.00.999999 R16-M0-N1-C:J02-U01 RAS DISCOVERY "
     "WARNING Node card is not fully functional", "WARN"),
]


def test_bgl_tag_words_before_the_header(scan_stable, by_line):
    scan_table(scan_stable, by_line, BGL)


def test_bgl_long_file(compose, scan_stable, by_line):
    data, expected, _, n_lines = compose(
        single_line_blocks(BGL) * 3,
        lambda n: (f"- {1700000000 + n} 2023.11.14 R{n % 64:02d}-M0-N1-C:J02-U01 2023-11-14-22.13.20.{n:06d} "
                   f"R{n % 64:02d}-M0-N1-C:J02-U01 RAS KERNEL INFO {n} double-hummer alignment exceptions"),
        total=3000, seed=43)
    summary, events = scan_stable(data)
    assert by_line(events) == expected
    assert summary["lines"] == n_lines


# --- Title-case level columns (Windows CBS / DISM, Event Viewer CSV) ------------------------------------------------

CBS = [
    (r"2024-03-02 10:11:12, Info                  CBS    Loaded Servicing Stack v10.0.19041.1 with Core: "
     r"C:\Windows\winsxs\amd64\cbscore.dll", None),
    ("2024-03-02 10:11:12, Info                  CBS    SQM: Warning: Failed to upload all unsent reports. "
     "[HRESULT = 0x80004005 - E_FAIL]", None),
    ("2024-03-02 10:11:13, Info                  CBS    Failed to find file [HRESULT = 0x80070002 - "
     "ERROR_FILE_NOT_FOUND]", None),
    ("2024-03-02 10:11:13, Info                  CSI    00000001@2024/3/2:10:11:13.123 WcpInitialize: wcp.dll "
     "version 0.0.0.6 (stack @0x7ffb1c2d3e4f)", None),
    ("2024-03-02 10:11:14, Warning               CBS    Failed to get next package to re-evaluate [HRESULT = "
     "0x800f0805 - CBS_E_INVALID_PACKAGE]", "WARN"),
    ("2024-03-02 10:11:15, Error                 CBS    Failed to resolve package 'Package_for_KB5001' [HRESULT = "
     "0x800f0805 - CBS_E_INVALID_PACKAGE]", "ERROR"),
    ("2024-03-02 10:11:17, Info                  DISM   DISM Provider Store: PID=1234 TID=5678 Getting the "
     "collection of providers from an image provider store type. - CDISMProviderStore::GetProviderCollection", None),
    ("2024-03-02 10:11:18, Error                 DISM   DISM Package Manager: PID=1234 TID=5678 Failed to get the "
     "underlying cbs package. - CDISMPackageManager::OpenPackageByName(hr:0x800f0805)", "ERROR"),
    (r"2024-03-02 10:11:19, Warning               DISM   DISM Provider Store: PID=1234 TID=5678 Failed to load the "
     r"provider: C:\Windows\System32\Dism\SiloedPackageProvider.dll. - CDISMProviderStore::Internal_GetProvider"
     r"(hr:0x8007007e)", "WARN"),
    ("2024-03-02 10:11:20, Info                  CBS    Exec: Processing complete, session: 30712345_1234567890, "
     "hr: 0x0, error: none", None),
    ("2024-03-02 10:11:21, Info                  CBS    Error: CBS_E_PENDING reported by the servicing stack, "
     "will retry", None),
]


def test_titlecase_level_column_decides_the_line(scan_stable, by_line):
    summary = scan_table(scan_stable, by_line, CBS)
    assert summary["counts"] == {"FATAL": 0, "ERROR": 2, "WARN": 2}


def test_event_viewer_csv_level_column(scan_stable, by_line):
    scan_table(scan_stable, by_line, [
        ("Level,Date and Time,Source,Event ID,Task Category", None),
        ("Information,11/29/2026 10:00:00 AM,Service Control Manager,7036,None,The Windows Error Reporting Service "
         "service entered the running state.", None),
        ("Warning,11/29/2026 10:00:01 AM,Microsoft-Windows-Time-Service,36,None,The time service has not "
         "synchronized the system time for 86400 seconds.", "WARN"),
        ("Error,11/29/2026 10:00:02 AM,Service Control Manager,7000,None,The Backup service failed to start due to "
         "the following error: The system cannot find the file specified.", "ERROR"),
        ("Critical,11/29/2026 10:00:03 AM,Microsoft-Windows-Kernel-Power,41,(63),The system has rebooted without "
         "cleanly shutting down first.", "FATAL"),
    ])


def test_titlecase_long_file(compose, scan_stable, by_line):
    data, expected, _, n_lines = compose(
        single_line_blocks(CBS) * 3,
        lambda n: (f"2024-03-02 10:{n // 60 % 60:02d}:{n % 60:02d}, Info                  CSI    {n:08x}@2024/3/2:"
                   f"10:11:13.123 CSI Transaction @0x{n:x} initialized for deployment engine"),
        total=3000, seed=44, eol="\r\n")
    summary, events = scan_stable(data)
    assert by_line(events) == expected
    assert summary["lines"] == n_lines


def test_serilog_three_letter_levels(scan_stable, by_line):
    # Serilog's {Level:u3}: VRB DBG INF WRN ERR FTL, in its default file and console templates
    scan_table(scan_stable, by_line, [
        ("2026-11-29 10:00:00.000 +00:00 [INF] Now listening on: http://[::]:8080, error page at /error", None),
        ("2026-11-29 10:00:01.000 +00:00 [WRN] Slow response from inventory: 1200 ms", "WARN"),
        ("2026-11-29 10:00:02.000 +00:00 [ERR] Failed to charge order 4711", "ERROR"),
        ("2026-11-29 10:00:03.000 +00:00 [FTL] Host terminated unexpectedly", "FATAL"),
        ("2026-11-29 10:00:04.000 +00:00 [DBG] Error handler registered", None),
        ("[10:00:05 WRN] Retrying request 3 of 5", "WARN"),
        ("[10:00:06 VRB] fatal-path probe skipped", None),
    ])


def test_zap_levels(scan_stable, by_line):
    """zap (Go): debug info warn error dpanic panic fatal. `dpanic` is "particularly important errors" that panic only
    in development: an ERROR event; production's JSON encoder writes the level in lower case, the development console
    encoder in capitals, tab-separated; logfmt encoders (zap-logfmt) as `level=dpanic`."""
    scan_table(scan_stable, by_line, [
        ('{"level":"info","ts":1795946400.1,"caller":"api/server.go:88","msg":"error budget at 40%"}', None),
        ('{"level":"warn","ts":1795946400.2,"caller":"api/server.go:90","msg":"slow handler"}', "WARN"),
        ('{"level":"error","ts":1795946400.3,"caller":"api/server.go:95","msg":"request failed"}', "ERROR"),
        ('{"level":"dpanic","ts":1795946400.4,"caller":"store/cache.go:41","msg":"cache entry without owner",'
         '"key":"user:42"}', "ERROR"),
        ('{"level":"panic","ts":1795946400.5,"caller":"store/cache.go:60","msg":"nil store"}', "FATAL"),
        ("2026-11-30T10:00:00.600Z\tDPANIC\tstore/cache.go:41\tcache entry without owner", "ERROR"),
        ("2026-11-30T10:00:00.700Z\tINFO\tstore/cache.go:12\tdpanic hook installed", None),
        ("ts=2026-11-30T10:00:00.800Z level=dpanic caller=store/cache.go:41 msg=\"cache entry without owner\"",
         "ERROR"),
    ])


# --- numeric levels on their own scale ------------------------------------------------------------------------------

T = 1795946400000
PINO = [
    (f'{{"level":10,"time":{T},"pid":77,"hostname":"host01","msg":"tracing error path"}}', None),
    (f'{{"level":20,"time":{T},"pid":77,"hostname":"host01","msg":"debug: error budget"}}', None),
    (f'{{"level":30,"time":{T},"pid":77,"hostname":"host01","msg":"request completed with error=none"}}', None),
    (f'{{"level":40,"time":{T},"pid":77,"hostname":"host01","msg":"slow query 1200 ms"}}', "WARN"),
    (f'{{"level":50,"time":{T},"pid":77,"hostname":"host01","msg":"stream errored out"}}', "ERROR"),
    (f'{{"level":60,"time":{T},"pid":77,"hostname":"host01","msg":"out of file descriptors"}}', "FATAL"),
    # the level after other fields and a nested object
    (f'{{"time":{T},"pid":77,"hostname":"host01","reqId":"req-1","req":{{"method":"GET","url":"/x"}},"level":50,'
     f'"msg":"handler threw"}}', "ERROR"),
    # a nested `level` is not the line's level
    (f'{{"level":30,"time":{T},"msg":"child job done","child":{{"level":50,"name":"job"}}}}', None),
    # bunyan
    ('{"name":"myapp","hostname":"host01","pid":1,"level":40,"msg":"quota at 80 percent",'
     '"time":"2026-11-29T10:00:00.000Z","v":0}', "WARN"),
    ('{"name":"myapp","hostname":"host01","pid":1,"level":30,"msg":"FATAL flag cleared",'
     '"time":"2026-11-29T10:00:01.000Z","v":0}', None),
    ('{"name":"myapp","hostname":"host01","pid":1,"level":60,"msg":"cannot listen on port 80",'
     '"time":"2026-11-29T10:00:02.000Z","v":0}', "FATAL"),
]


def test_pino_bunyan_numeric_levels(scan_stable, by_line):
    scan_table(scan_stable, by_line, PINO)


def gelf(level, message="Backend unreachable", level_first=False):
    fields = {"version": "1.1", "host": "example.org", "short_message": message, "timestamp": 1795946401.5}
    fields = {"level": level, **fields} if level_first else {**fields, "level": level}
    fields["_facility"] = "api"
    return json.dumps(fields, separators=(",", ":"))


GELF_CLASSES = {0: "FATAL", 1: "FATAL", 2: "FATAL", 3: "ERROR", 4: "WARN", 5: None, 6: None, 7: None}


def test_gelf_level_on_the_syslog_scale(scan_stable, by_line):
    table = [(gelf(lvl, f"unit event {lvl}", level_first=lvl % 2 == 0), cls) for lvl, cls in GELF_CLASSES.items()]
    table.append((gelf(6, "error counter reset"), None))
    table.append(('{"version":"1.1","host":"example.org","short_message":"A short message that helps you identify '
                  'what is going on","full_message":"Backtrace here\\n\\nmore stuff","timestamp":1385053862.3072,'
                  '"level":1,"_user_id":9001,"_some_info":"foo","_some_env_var":"bar"}', "FATAL"))  # GELF spec example
    scan_table(scan_stable, by_line, table)


JSON_STACKS = [  # (line, class, carries a trace)
    (f'{{"level":50,"time":{T},"msg":"stream errored out","err":{{"type":"Error","message":"socket hang up",'
     f'"stack":"Error: socket hang up\\n    at connResetException (node:internal/errors:720:14)\\n    at '
     f'TLSSocket.socketOnEnd (node:_http_client:525:23)"}}}}', "ERROR", 1),
    ('{"level":"error","time":"2026-11-29T10:00:01Z","msg":"charge failed","error":{"message":"card declined",'
     '"stack":"Error: card declined\\n    at charge (/app/pay.js:10:11)\\n    at process.processTicksAndRejections '
     '(node:internal/process/task_queues:95:5)"}}', "ERROR", 1),
    # structlog's JSON renderer with format_exc_info
    ('{"event":"job failed","level":"error","timestamp":"2026-11-29T10:00:02Z","exception":"Traceback (most recent '
     'call last):\\n  File \\"/app/job.py\\", line 3, in run\\n    1/0\\nZeroDivisionError: division by zero"}',
     "ERROR", 1),
    (f'{{"level":50,"time":{T},"msg":"validation failed","err":{{"type":"ValidationError",'
     f'"message":"name required"}}}}', "ERROR", 0),  # an error object without a stack
    (f'{{"level":30,"time":{T},"msg":"retry succeeded","err":{{"type":"Error","message":"x",'
     f'"stack":"Error: x\\n    at f (/app/a.js:1:1)"}}}}', None, 0),  # not an event, so no trace counted
    ('{"name":"myapp","hostname":"host01","pid":1,"level":60,"err":{"message":"boom","name":"Error","stack":"Error: '
     'boom\\n    at Object.<anonymous> (/app/index.js:3:9)"},"msg":"boom","time":"2026-11-29T10:00:03.000Z","v":0}',
     "FATAL", 1),  # bunyan
]


def test_traces_inside_json_error_objects(scan_stable, by_line):
    summary = scan_table(scan_stable, by_line, JSON_STACKS)
    assert summary["stack_traces"] == 4


def test_traces_in_other_json_loggers(scan_stable, by_line):
    # logstash-logback-encoder `stack_trace`, ECS `error.stack_trace`, zap `stacktrace`
    summary = scan_table(scan_stable, by_line, [
        ('{"level":"error","ts":1795946400.123,"caller":"api/handler.go:88","msg":"request failed","error":"timeout",'
         '"stacktrace":"main.(*Server).handle\\n\\t/app/api/handler.go:88\\nmain.main\\n\\t/app/main.go:20"}',
         "ERROR"),
        ('{"level":"info","ts":1795946401.123,"caller":"api/handler.go:90","msg":"error budget ok"}', None),
        ('{"@timestamp":"2026-11-29T10:00:04.000Z","level":"ERROR","logger_name":"c.e.Api","message":"handler '
         'failed","stack_trace":"java.lang.IllegalStateException: x\\n\\tat com.example.Api.handle(Api.java:42)\\n"}',
         "ERROR"),
        ('{"@timestamp":"2026-11-29T10:00:05.000Z","log.level":"error","message":"handler failed","error":{"type":'
         '"java.lang.IllegalStateException","message":"x","stack_trace":"java.lang.IllegalStateException: x\\n\\tat '
         'com.example.Api.handle(Api.java:42)"}}', "ERROR"),
    ])
    assert summary["stack_traces"] == 3


def test_numeric_levels_long_file(compose, scan_stable, by_line):
    table = PINO + [(gelf(lvl), cls) for lvl, cls in GELF_CLASSES.items()] + JSON_STACKS
    data, expected, traces, n_lines = compose(
        single_line_blocks(table) * 3,
        lambda n: f'{{"level":30,"time":{T + n},"pid":77,"hostname":"host01","reqId":"req-{n}","msg":"request '
                  f'completed","responseTime":{n % 300}}}',
        total=3000, seed=45)
    summary, events = scan_stable(data)
    assert by_line(events) == expected
    assert summary["stack_traces"] == traces == 12
    assert summary["lines"] == n_lines


# --- markers of a format's own shape: Redis's symbol, MongoDB's one-letter `s`, PostgreSQL csvlog's column ----------
def test_redis_level_symbols(scan_stable, by_line):
    # Redis writes `.` debug, `-` verbose, `*` notice, `#` warning after the time (2.x: `[pid] dd Mon hh:mm:ss.mmm`).
    scan_table(scan_stable, by_line, [
        ("1:C 29 Nov 2026 10:00:00.001 * oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo", None),
        ("1:M 29 Nov 2026 10:00:00.120 # WARNING overcommit_memory is set to 0! Background save may fail", "WARN"),
        ("1:M 29 Nov 2026 10:00:01.500 * 100 changes in 300 seconds. Saving...", None),
        ("1:M 29 Nov 2026 10:00:01.777 # Background saving error", "WARN"),
        ("1:S 29 Nov 2026 10:00:02.002 # Connection with master lost.", "WARN"),
        ("1:S 29 Nov 2026 10:00:02.003 - Client closed connection after an error", None),
        ("[4018] 29 Nov 10:00:03.250 # Server started, Redis version 2.8.4", "WARN"),
        ("[4018] 29 Nov 10:00:03.251 * DB loaded from disk: 0.000 seconds", None),
    ])


def test_mongodb_structured_severity(scan_stable, by_line):
    def mongo(s, msg, c="NETWORK"):
        return ('{"t":{"$date":"2026-11-29T10:00:00.123+00:00"},"s":"%s",  "c":"%s", "id":22943,   "ctx":"conn7",'
                '"msg":"%s","attr":{"remote":"10.0.0.7:51234","error":"HostUnreachable"}}' % (s, c, msg))
    scan_table(scan_stable, by_line, [
        (mongo("I", "Connection accepted, error count 0"), None),
        (mongo("W", "Unable to reach primary for set"), "WARN"),
        (mongo("E", "WiredTiger error", "STORAGE"), "ERROR"),
        (mongo("F", "Fatal assertion", "ASSERT"), "FATAL"),
        (mongo("D1", "Slow query error path", "COMMAND"), None),
    ])


def test_postgres_csvlog_severity_column(scan_stable, by_line, group_of):
    def row(severity, sqlstate, message, pid=4242):
        return (f'2026-11-29 10:00:00.123 UTC,"app","orders",{pid},"10.0.0.7:51234",6566f0a1.1092,3,"INSERT",'
                f'2026-11-29 09:59:58 UTC,3/1234,0,{severity},{sqlstate},"{message}",,,,,,"INSERT INTO t VALUES (1)",'
                f',,"psql","client backend",,0')
    summary = scan_table(scan_stable, by_line, [
        (row("LOG", "00000", "connection authorized: user=app database=orders, error count 0"), None),
        (row("ERROR", "23505", 'duplicate key value violates unique constraint ""orders_pkey""'), "ERROR"),
        (row("WARNING", "01000", "there is no transaction in progress"), "WARN"),
        (row("FATAL", "28P01", 'password authentication failed for user ""app""'), "FATAL"),
        (row("ERROR", "23505", 'duplicate key value violates unique constraint ""orders_pkey""', 77), "ERROR"),
    ])
    assert any("duplicate key value" in g["template"] for g in summary["groups"])


# --- Ruby's Logger / Rails: every line of an exception report carries the level header ----------------------------
def _rails_block(req: str, exc: str, frames: list[str], level: str = "FATAL") -> list[str]:
    head = f"{level[0]}, [2026-11-29T10:00:00.1{len(req):05d} #4242] {level:>5} -- : [{req}] "
    return [head + "  ", head + exc, head + "  ", *(head + f for f in frames)]


def test_rails_exception_report_is_one_event(scan_stable, by_line):
    frames = ["app/controllers/orders_controller.rb:12:in `show'",
              "actionpack (7.1.2) lib/abstract_controller/base.rb:215:in `process_action'"]
    lines = (["I, [2026-11-29T10:00:00.000001 #4242]  INFO -- : [r1] Started GET \"/orders/7\" for 10.0.0.7"]
             + _rails_block("r1", "ActiveRecord::RecordNotFound (Couldn't find Order with 'id'=7):", frames)
             + ["W, [2026-11-29T10:00:01.000001 #4242]  WARN -- : DEPRECATION WARNING: x is deprecated"]
             + _rails_block("r2", "ActiveRecord::RecordNotFound (Couldn't find Order with 'id'=9):", frames)
             + _rails_block("r3", "Redis::CannotConnectError (Error connecting to Redis on redis:6379):", frames[:1],
                            "ERROR"))
    summary, events = scan_stable("".join(x + "\n" for x in lines))
    assert by_line(events) == {2: "FATAL", 7: "WARN", 8: "FATAL", 13: "ERROR"}
    assert summary["stack_traces"] == 3
    gid = {e["line"]: e["group"] for e in events}
    assert gid[2] == gid[8]   # the message line, not the empty header, is the template
    assert any("RecordNotFound" in g["template"] and "RecordNotFound" in g["sample"] for g in summary["groups"])


def test_ruby_logger_levels(scan_stable, by_line):
    scan_table(scan_stable, by_line, [
        ("D, [2026-11-29T10:00:00.000001 #77] DEBUG -- worker: cache error counter reset", None),
        ("I, [2026-11-29T10:00:00.000002 #77]  INFO -- worker: job 12 failed over to replica", None),
        ("W, [2026-11-29T10:00:00.000003 #77]  WARN -- worker: queue depth 900", "WARN"),
        ("E, [2026-11-29T10:00:00.000004 #77] ERROR -- worker: job 13 raised Timeout::Error", "ERROR"),
        ("F, [2026-11-29T10:00:00.000005 #77] FATAL -- worker: out of file descriptors", "FATAL"),
    ])


# --- indented header lines (Nomad and Consul agents print theirs indented) ------------------------------------------
def test_indented_lines_with_their_own_header(scan_stable, by_line):
    summary = scan_table(scan_stable, by_line, [
        ("==> Nomad agent started! Log data will stream in below:", None),
        ("    2026-11-29T10:00:00.118Z [INFO]  client: node registration complete, errors: none", None),
        ("    2026-11-29T10:00:30.004Z [ERROR] client.alloc_runner: running driver failed: alloc_id=3f2a task=web", "ERROR"),
        ("    2026-11-29T10:00:31.220Z [WARN]  client: heartbeat missed: req_latency=5.221s", "WARN"),
        ("\t2026-11-29 10:00:32,000 ERROR [main] App - indented by a tab", "ERROR"),
        ("\tat com.example.App.run(App.java:1)", None),
        ("    2026-11-29T10:00:45.118Z [ERROR] client.alloc_runner: running driver failed: alloc_id=8e7d task=api", "ERROR"),
    ])
    assert summary["stack_traces"] == 1


def test_json_stack_fields_of_other_loggers(scan_stable, by_line):
    serilog = ('{"@t":"2026-11-29T10:00:00.1Z","@mt":"Order {OrderId} failed","@l":"Error","OrderId":7,'
               '"@x":"System.InvalidOperationException: Sequence contains no elements\\n   at Program.Main()"}')
    es_head = ('{"type": "server", "timestamp": "2026-11-29T10:00:00,000Z", "level": "WARN", "component": '
               '"o.e.a.s.TransportSearchAction", "message": "all shards failed",')
    lines = [serilog, es_head, '"stacktrace": ["org.elasticsearch.action.search.SearchPhaseExecutionException: x",',
             '"at org.elasticsearch.action.search.AbstractSearchAsyncAction.onPhaseFailure(AbstractSearchAsyncAction.java:568) [elasticsearch-7.17.9.jar:7.17.9]",',
             '"at java.lang.Thread.run(Thread.java:1589) [?:?]"] }']
    summary, events = scan_stable("".join(x + "\n" for x in lines))
    assert by_line(events) == {1: "ERROR", 2: "WARN"}
    assert summary["stack_traces"] == 2
