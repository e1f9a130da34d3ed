"""Unit tests of app.grouping: make_template (one error with other values -> one template; other errors -> other
ones), each mask kind, the merge of groups (merge_groups, GroupTable.merged), and field-reported and Loghub-style
lines through both.

The first hard cases come from bench/grouping_vs_drain.py (grouping measured against drain3 on a labelled corpus).
"""
import random
import re
from collections import defaultdict

import pytest

from app import grouping
from app.grouping import (MASKS, TEMPLATE_MAX_CHARS, GroupTable, Mask, group_id, is_variable_token, make_template, mask,
                          merge_groups, select_merge, tokenize)

SAME = [
    # numbers, ids, IPs with ports, UUIDs, hex, e-mails, URLs
    ("Payment request 123e4567-e89b-12d3-a456-426614174000 to https://api.stripe.com/v1/charges/ch_1 failed after "
     "1534ms: HTTP 502",
     "Payment request 9b2f0c4e-1d2a-4c3b-8e7f-000000000001 to https://pay.adyen.com/v1/payments/p9 failed after "
     "30001ms: HTTP 504"),
    ("Failed to send receipt to alice12@example.com: [Errno 111] Connection refused",
     "Failed to send receipt to o.brien7@mail.acme.io: [Errno 111] Connection refused"),
    ("upstream timed out while reading response header from 10.0.3.4:8080",
     "upstream timed out while reading response header from 172.16.0.12:50211"),
    # lists whose length varies
    ("Failed to delete objects [81723]: bucket is versioned",
     "Failed to delete objects [1001, 20022, 300033, 4000044]: bucket is versioned"),
    # quoted values with spaces
    ("Product 'Mug' (sku SKU-48213) is out of stock in warehouse WH-12",
     "Product 'Standing Desk (oak, 160 cm)' (sku SKU-10000) is out of stock in warehouse WH-3"),
    ('Search query "red running shoes size 42" failed: index products-2026.11.03 is read-only',
     'Search query "laptop" failed: index products-2026.11.27 is read-only'),
    # durations, Go's composite ones
    ("back-off 5m0s restarting failed container", "back-off 10s restarting failed container"),
    ("request took too long duration 1m20s", "request took too long duration 350ms"),
    # sizes with units, process names (kernel OOM killer)
    ("[ 8123.456789] Out of memory: Killed process 4242 (java) total-vm:8733793kB, anon-rss:7969371kB",
     "[  12.000001] Out of memory: Killed process 17 (python3) total-vm:1024kB, anon-rss:512kB"),
    # user / tenant names
    ("User alice not found in tenant acme-corp", "User o.brien not found in tenant stark-industries"),
    ("User bob is locked out after 3 failed login attempts",
     "User j.smith is locked out after 10 failed login attempts"),
    ("sshd: Failed password for invalid user admin from 1.2.3.4 port 22 ssh2",
     "sshd: Failed password for invalid user ftpuser from 10.9.8.7 port 51234 ssh2"),
    # host names, systemd units
    ("to=<a@b.com>, relay=mx1.partner.io[1.2.3.4]:25 (connect to mx1.partner.io[1.2.3.4]:25: Connection timed out)",
     "to=<c@d.com>, relay=aspmx.l.google.com[5.6.7.8]:25 (connect to aspmx.l.google.com[5.6.7.8]:25: Connection "
     "timed out)"),
    ("Retrying request to inventory-3.shop.svc.cluster.local:8443 (attempt 2 of 5)",
     "Retrying request to orders.shop.svc:9000 (attempt 4 of 5)"),
    ("systemd: nginx.service: Main process exited, code=exited, status=1/FAILURE",
     "systemd: postgresql@14-main.service: Main process exited, code=exited, status=2/FAILURE"),
    # short hex (identity hashes, commit ids)
    ("Input dispatching timed out (3358ff0 com.acme.app/com.acme.app.MainActivity (server) is not responding)",
     "Input dispatching timed out (a1c22e9 com.acme.app/com.acme.app.MainActivity (server) is not responding)"),
    # an unquoted HTTP request line
    ("AH00126: Invalid URI in request GET /%%%1 HTTP/1.1",
     "AH00126: Invalid URI in request POST /..%2f..%2fetc HTTP/1.0"),
    # klog structured: the quoted message stays, values go
    ('pod_workers.go:1298] "Error syncing pod, skipping" err="back-off 5m0s" pod="shop/orders-7d9f8b6c5-x2kq9"',
     'pod_workers.go:1298] "Error syncing pod, skipping" err="back-off 10s" pod="default/redis-0"'),
]

DIFFERENT = [
    # one word apart
    ("Could not acquire read lock on /var/lib/app/data/x.db within 300 ms",
     "Could not acquire write lock on /var/lib/app/data/x.db within 300 ms"),
    ('failed to connect to redis: dial tcp 10.0.3.4:6379: connect: connection refused',
     'failed to connect to postgres: dial tcp 10.0.3.4:5432: connect: connection refused'),
    ("Connection refused by 10.0.0.1:80", "Connection reset by 10.0.0.1:80"),
    ("com.acme.Orders - Failed to load order 1", "com.acme.Users - Failed to load order 1"),
    # klog structured messages of one file with the same keys
    ('controller.go:114] "Failed to update lease" err="context deadline exceeded"',
     'controller.go:145] "Failed to ensure lease exists, will retry" err="context deadline exceeded"'),
    # status words after user/account are not names
    ("User authentication failed", "User authorization failed"),
    ("Account locked", "Account disabled"),
    ("user not found", "user already exists"),
    # errno names after a number are not process names
    ("open failed: errno 13 (EACCES)", "open failed: errno 2 (ENOENT)"),
    # Java/Android packages are not host names
    ("ANR in com.acme.app", "ANR in com.acme.shop"),
    ("org.gradle.internal.Worker - build failed", "org.gradle.api.Worker - build failed"),
    # words that only look like values
    ("failure kinda0x", "failure kindb0x"),
]


@pytest.mark.parametrize("a, b", SAME)
def test_same_error_other_values_same_template(a, b):
    assert make_template(a) == make_template(b)


@pytest.mark.parametrize("a, b", DIFFERENT)
def test_different_errors_different_templates(a, b):
    assert make_template(a) != make_template(b)


@pytest.mark.parametrize("message, template", [
    ("Failed to delete objects [1, 2, 3]", "Failed to delete objects [<N>]"),
    ("Killed process 4242 (java) total-vm:8733793kB", "Killed process <N> (<NAME>) total-vm:<N>kB"),
    ("Failed password for invalid user admin from 1.2.3.4 port 22 ssh2",
     "Failed password for invalid user <NAME> from <IP> port <N> ssh2"),
    ("Is the server running on host db-1.internal", "Is the server running on host <HOST>"),
    ("Invalid URI in request GET /x HTTP/1.1", "Invalid URI in request <REQ>"),
    ('kubelet.go:2404] "Error syncing pod" pod="a/b"', 'kubelet.go:<N>] "Error syncing pod" pod=<*>'),
    ("java.io.IOException: Broken pipe", "java.io.IOException: Broken pipe"),
    ("  spaced \t out\nmessage  ", "spaced out message"),
])
def test_templates(message, template):
    assert make_template(message) == template


def test_template_cache_is_bounded_and_transparent(monkeypatch):
    from app import grouping

    monkeypatch.setattr(grouping, "TEMPLATE_CACHE_SIZE", 3)
    grouping._template_cache.clear()
    messages = [f"Failed to load order {n} for user{n % 2}" for n in range(10)] * 2
    # (the Python memo; the compiled templater's is tested in test_compiled_mask.py)
    assert [grouping.make_template_python(m) for m in messages] == [grouping._make_template(m) for m in messages]
    assert len(grouping._template_cache) <= 3


# ----------------------------------------------------------------------------------------------------------------
# Masks, kind by kind: the same kind of value in other positions and with other values gives one template
# ----------------------------------------------------------------------------------------------------------------
MASK_SAME = {
    "paths": [
        # absolute, `./` relative, segments with `-`, `.`, dates and `//`, inside `chdir(...)`
        ("iod: Error loading /home/user5/jobs/run-a/bin/sim.rts: invalid or missing program image, No such file or "
         "directory",
         "iod: Error loading ./bench_latency: invalid or missing program image, No such file or directory",
         "iod: Error loading /scratch/g7/model/3321/solver: invalid or missing program image, No such file or "
         "directory",
         "iod: Error loading ../bin/a.out: invalid or missing program image, No such file or directory"),
        ("iod: LOGIN chdir(/home/user7/run//2023-11-15) failed: No such file or directory",
         "iod: LOGIN chdir(/scratch/g2/data) failed: No such file or directory",
         "iod: LOGIN chdir(~/work) failed: No such file or directory"),
        # Windows: drive letter, a directory name with spaces, forward slashes, UNC
        (r"Cannot open C:\Program Files (x86)\Acme\agent.exe: Access is denied.",
         r"Cannot open D:\data\x.db: Access is denied.",
         "Cannot open C:/Users/bob/AppData/Local/Temp/tmp12ab.tmp: Access is denied.",
         r"Cannot open \\fileserver\share\reports\q3.xlsx: Access is denied."),
        # relative without `./`, a file name alone, a rotated or versioned file
        ("Unable to load config conf/app-prod.yaml: not found", "Unable to load config app.yaml: not found",
         "Unable to load config deploy/overlays/prod/app.yaml: not found"),
        ("cannot open app.log.1 for writing", "cannot open /var/log/app/app.log for writing"),
        # a path holding an id already masked (Spark's block manager dirs)
        ("java.io.FileNotFoundException: /tmp/spark-0c1e7b4a-9d0e-4c1f-8a7b-5e4d3c2b1a09/blockmgr-9f8e/0d/"
         "shuffle_0_5_0.index (No such file or directory)",
         "java.io.FileNotFoundException: /data/tmp/shuffle_3_1_0.data (No such file or directory)"),
    ],
    "signed numbers and prefixed ids": [
        ("Receiving block blk_-6952295868487656571 src: /10.250.19.102:54106 dest: /10.250.19.102:50010",
         "Receiving block blk_8229193803249955061 src: /10.251.71.16:40022 dest: /10.251.71.16:50010"),
        ("offset -4096 beyond end of block blk_-1234567890123456789 for client 10.251.30.6",
         "offset 8192 beyond end of block blk_987654321098765432 for client 10.251.30.7"),
        ("Diagnostics report from attempt_1445144423722_0020_m_000002_0: Container killed by the ApplicationMaster.",
         "Diagnostics report from attempt_1445062781478_0011_r_000000_1000: Container killed by the "
         "ApplicationMaster."),
        ("Job job_1445144423722_0020 failed with state FAILED", "Job job_1445062781478_0003 failed with state FAILED"),
        ("Failed to renew lease for [DFSClient_NONMAPREDUCE_1537864556_1] for 30 seconds.  Will retry shortly ...",
         "Failed to renew lease for [DFSClient_NONMAPREDUCE_-1325213461_141] for 61 seconds.  Will retry shortly ..."),
        ("Putting block rdd_2_3 failed", "Putting block rdd_42_20 failed"),
        ("usb 1-1: device descriptor read/64, error -110", "usb 2-4: device descriptor read/64, error -71"),
    ],
    "digits glued to words": [
        ("write to volume vol1 failed", "write to volume vol3 failed", "write to volume vol12 failed"),
        ("volume attach failed on i-0abc123def4567890 device /dev/sdb1: timeout",
         "volume attach failed on i-0123456789abcdef0 device /dev/nvme1n1: timeout"),
        ("Lustre mount FAILED: bglio11: block_id: location", "Lustre mount FAILED: bglio302: block_id: location"),
        ("instruction cache parity error corrected on R02-M1-N0-C:J12-U11",
         "instruction cache parity error corrected on R63-M0-NC-I:J18-U01"),
        ("eth0: link down", "eth3: link down"),
    ],
    "block devices": [
        ("kernel: blk_update_request: I/O error, dev sda, sector 2048 op 0x0:(READ) flags 0x0",
         "kernel: blk_update_request: I/O error, dev nvme0n1, sector 9 op 0x0:(READ) flags 0x800"),
        ("kernel: Buffer I/O error on dev sdc1, logical block 0, async page read",
         "kernel: Buffer I/O error on dev dm-3, logical block 77, async page read"),
        ("EXT3-fs error (device sda5): ext3_find_entry: reading directory #2 offset 0",
         "EXT3-fs error (device hdb1): ext3_find_entry: reading directory #1171 offset 0"),
    ],
    "dates in the message": [
        ("connection from 222.33.90.199 (222.33.90.199) at Sat Jun 25 09:20:43 2005",
         "connection from 24.54.76.216 (24.54.76.216) at Sun Jul  4 02:38:22 2005"),
        ("certificate expired at 2023-11-15T10:22:33.123Z", "certificate expired at 2024-01-02 03:04:05+01:00",
         "certificate expired at 2023-11-15"),
        ("lease lost since Mon Jan 02 15:04:05 UTC 2006", "lease lost since Tue Feb 14 09:00:00 CET 2017"),
    ],
    "ids and hashes": [
        ("Error writing History Event: org.apache.hadoop.mapreduce.jobhistory.TaskAttemptStartedEvent@2e1be1ad",
         "Error writing History Event: org.apache.hadoop.mapreduce.jobhistory.TaskAttemptStartedEvent@7f"),
        ("Window already focused, ignoring focus gain of: com.android.internal.view.IInputMethodClient$Stub$Proxy@"
         "c7c3e1b attribute=null, token = android.os.BinderProxy@2d8f02e",
         "Window already focused, ignoring focus gain of: com.android.internal.view.IInputMethodClient$Stub$Proxy@"
         "3d4e5f6 attribute=null, token = android.os.BinderProxy@aabbcc"),
        ("Exception causing close of session 0x14ede63a5a70000 due to java.io.IOException: ZooKeeperServer not "
         "running",
         "Exception causing close of session 0x0 due to java.io.IOException: ZooKeeperServer not running"),
    ],
    "host names and addresses": [
        ("org.example.ipc.Client: Address change detected. Old: node-17/10.0.0.7:8030 New: node-17:8030",
         "org.example.ipc.Client: Address change detected. Old: node-18/10.0.0.8:9000 New: node-18:9000"),
        ("No Route to Host from MININT-FNANLI5/127.0.0.1 to msra-sa-41:8030 failed",
         "No Route to Host from MININT-KZH36TW/10.86.164.9 to msra-sa-39:8030 failed"),
        ("Bind to port 22 on 0.0.0.0 failed: Address already in use.",
         "Bind to port 2222 on :: failed: Address already in use.",
         "Bind to port 22 on fe80::1ff:fe23:4567:890a failed: Address already in use."),
        ("Cannot open channel to 2 at election address /10.10.34.12:3888",
         "Cannot open channel to 1 at election address /10.10.34.11:3888"),
    ],
    "kubernetes pods": [
        ("Error syncing pod web-7f9c8d6b5-x2k4q, skipping", "Error syncing pod api-5d8b7c6f4-q7wrn, skipping",
         "Error syncing pod kube-proxy-x7k9p, skipping"),
    ],
    "sizes": [
        ("Not enough space to cache rdd_2_3 in memory! (computed 1.5 MB so far)",
         "Not enough space to cache rdd_14_0 in memory! (computed 912.0 KB so far)",
         "Not enough space to cache rdd_1_1 in memory! (computed 2 GB so far)"),
    ],
    "names in program-specific places": [
        ("sshd[2184]: Failed password for root from 218.188.2.4 port 2184 ssh2",
         "sshd[19939]: Failed password for ubuntu from 10.9.8.7 port 51234 ssh2"),
        ("sudo:    alice : 3 incorrect password attempts ; TTY=pts/0 ; PWD=/home/alice ; USER=root ; "
         "COMMAND=/usr/bin/systemctl restart nginx",
         "sudo:   j.doe : 1 incorrect password attempt ; TTY=pts/3 ; PWD=/srv ; USER=root ; COMMAND=/bin/ls"
         .replace("attempt ;", "attempts ;")),
        ("systemd[1]: Failed to start The nginx HTTP and reverse proxy server.",
         "systemd[1]: Failed to start PostgreSQL 14 database server."),
        ("EXT4-fs error (device dm-0): ext4_find_entry:1455: inode #2: comm java: reading directory lblock 0",
         "EXT4-fs error (device sda1): ext4_find_entry:1455: inode #2: comm rsync: reading directory lblock 0"),
        ("INFO: task kworker/u8:2:1234 blocked for more than 120 seconds.",
         "INFO: task java:31337 blocked for more than 240 seconds."),
        ("AndroidRuntime: FATAL EXCEPTION: main", "AndroidRuntime: FATAL EXCEPTION: OkHttp Dispatcher"),
        ("[    5.123456] Out of memory: Killed process 2592 (httpd)", "[12345.000001] Out of memory: Killed process 7 "
                                                                     "(kworker/u8:2)"),
    ],
    "openstack request context": [
        ("nova.compute.manager [req-3ea4052c-895d-4b64-9e2d-04d64c4d94ab 113d3a99c3da401fbd62cc2caa5b96d2 "
         "54fadb412c4e40cdbaed9335e4c35a9e - - -] [instance: b9000564-fe1a-409b-b8cc-1e88b294cd1d] Instance is paused "
         "unexpectedly. Ignore.",
         "nova.compute.manager [req-addc1839-2ed5-4778-b57e-5854eb7b8b09 - - - - -] [instance: "
         "78dc1847-8848-49cc-933e-9239b12c9dcf] Instance is paused unexpectedly. Ignore.",
         "nova.compute.manager [-] [instance: 78dc1847-8848-49cc-933e-9239b12c9dcf] Instance is paused unexpectedly. "
         "Ignore."),
    ],
}


@pytest.mark.parametrize("messages", [pytest.param(m, id=f"{kind}-{i}") for kind, ms in MASK_SAME.items()
                                      for i, m in enumerate(ms)])
def test_mask_kinds_same_template(messages):
    templates = {make_template(m) for m in messages}
    assert len(templates) == 1, templates


@pytest.mark.parametrize("a, b", [
    # one file vs another kind of message around the same placeholder
    ("Error loading ./bench_latency: invalid or missing program image",
     "Error loading ./bench_latency: permission denied"),
    # a source location names the call site: `file.go:123` stays
    ("pod_workers.go:1298] Error syncing pod", "kubelet.go:2404] Error syncing pod"),
    # names of a kind, not instances: `ssh1`/`ssh2`, `L1`/`L2` cache stay as written
    ("Failed password for root from 1.2.3.4 port 22 ssh2", "Failed password for root from 1.2.3.4 port 22 ssh1"),
    ("machine check interrupt: L1 dcache unit data parity error",
     "machine check interrupt: L2 dcache unit data parity error"),
    # a dash inside a name is no sign
    ("Product sku SKU-12 out of stock", "Product sku SKU 12 out of stock"),
    # status words are not systemd descriptions or names
    ("systemd[1]: Failed to start The nginx HTTP and reverse proxy server.",
     "systemd[1]: Started The nginx HTTP and reverse proxy server."),
 ])
def test_mask_kinds_keep_apart(a, b):
    assert make_template(a) != make_template(b)


@pytest.mark.parametrize("message, template", [
    ("iod: LOGIN chdir(/home/user7/run//2023-11-15) failed", "iod: LOGIN chdir(<PATH>) failed"),
    ("Error loading ./bench_latency: invalid", "Error loading <PATH>: invalid"),
    (r"Cannot open C:\Program Files\App\app.exe: access denied", "Cannot open <PATH>: access denied"),
    ("offset -4096 beyond end of block blk_-1234567890123456789", "offset <N> beyond end of block blk_<N>"),
    ("job_1445144423722_0020_000001 failed", "job_<N> failed"),
    ("write to volume vol1 failed", "write to volume vol<N> failed"),
    ("attach i-0abc123def4567890 as /dev/sdb1", "attach i-<HEX> as <PATH>"),
    ("I/O error, dev sda, sector 8", "I/O error, dev <DEV>, sector <N>"),
    ("Cannot open channel to 2 at election address /10.10.34.12:3888",
     "Cannot open channel to <N> at election address /<IP>"),
    ("Old: node-17/10.0.0.7:8030 New: node-17:8030", "Old: <HOST>/<IP> New: node-<N>"),
    ("connection at Sat Jun 25 09:20:43 2005", "connection at <DATE>"),
    ("Block broadcast_2_piece0 stored as bytes in memory (estimated size 2.1 KB, free 413.9 MB)",
     "Block broadcast_<N> stored as bytes in memory (estimated size <SIZE>, free <SIZE>)"),
    ("Error syncing pod web-7f9c8d6b5-x2k4q_default", "Error syncing pod <POD>_default"),
    ("TaskAttemptStartedEvent@2e1be1ad", "TaskAttemptStartedEvent@<HEX>"),
    ("[-] [instance: b9000564-fe1a-409b-b8cc-1e88b294cd1d] VM Started (Lifecycle Event)",
     "[<CTX>] [instance: <UUID>] VM Started (Lifecycle Event)"),
    ("kernel: [  12.000001] EXT4-fs (sda1): mounted", "kernel: [<N>] EXT4-fs (<DEV>): mounted"),
    ("sshd2 port 22 utf8 ipv6 sha256 x86_64 L2", "sshd<N> port <N> utf8 ipv6 sha256 x86_64 L2"),
    ("aws sdk md5 mismatch in hdfs read", "aws sdk md5 mismatch in hdfs read"),   # no block devices
    ("see java.io.File and tls.key_file in com.acme.app", "see java.io.File and tls.key_file in com.acme.app"),
    ("instruction cache parity error corrected on R63-M0-NC-I:J18-U01", "instruction cache parity error corrected on "
                                                                        "<LOC>"),
    ("Bind to port 22 on fe80::1ff:fe23:4567:890a failed", "Bind to port <N> on <IP> failed"),
    ("from ::ffff:10.0.0.1 to ::1 via std::map 10:22:33", "from <IP> to <IP> via std::map <N>"),
])
def test_mask_kinds_templates(message, template):
    assert make_template(message) == template


def test_masks_are_data():
    names = [m.name for m in MASKS]
    assert len(names) == len(set(names))
    assert all(isinstance(m, Mask) and m.pattern.pattern for m in MASKS)
    # a mask list of one's own applies as given
    numbers = [Mask("number", re.compile(r"\d+"), "<N>", "digit")]
    assert mask("pid 42 on host-7", numbers) == "pid <N> on host-<N>"
    assert mask("no digits here", numbers) == "no digits here"


def _all_messages():
    for a, b in SAME + DIFFERENT:
        yield a
        yield b
    for messages in MASK_SAME.values():
        for group in messages:
            yield from group
    for group in FIELD_GROUPS + LOGHUB_SAME:
        for messages in group:
            for _level, message in messages:
                yield message


def test_guards_only_skip_masks_that_cannot_apply():
    """The guards are an optimisation: with every guard removed, the masks give the same templates."""
    unguarded = [m._replace(guard=None) for m in MASKS]
    for message in _all_messages():
        assert mask(message) == mask(message, unguarded), message


# ----------------------------------------------------------------------------------------------------------------
# Merging groups
# ----------------------------------------------------------------------------------------------------------------
def group(template, level="ERROR", count=1, first=1, last=None, sample=None):
    return {"id": group_id(level, template), "level": level, "template": template, "count": count,
            "first_line": first, "last_line": first if last is None else last, "sample": sample or f"line {first}"}


@pytest.mark.parametrize("token, variable", [
    ("<N>", True), ("<*>", True), ("x=<*>", True), ("(<IP>)", True), ("vol1", True), ("web-a", True),
    ("device_reuse", True), ("tls.key_file", True), ("a@b", True), ("src/main", True), ("E_INVALID_PACKAGE", True),
    ("Started", False), ("(Lifecycle", False), ("Event)", False), ("redis:", False), ("failed.", False),
    ("java.io.IOException:", False), ("dfs.DataNode$PacketResponder:", False), ("can't", False),
])
def test_is_variable_token(token, variable):
    assert is_variable_token(token) is variable


def test_select_merge():
    assert select_merge(["Started", "Paused"]) == []
    assert select_merge(["Started", "Paused", "Resumed", "Stopped"]) == []
    assert sorted(select_merge(["root", "ubuntu", "admin", "oracle", "pi"])) == ["admin", "oracle", "pi", "root",
                                                                                 "ubuntu"]
    assert sorted(select_merge(["vol<N>", "<HEX>", "Paused"])) == ["<HEX>", "vol<N>"]
    assert select_merge(["<N>", "Paused"]) == []
    assert sorted(select_merge(["attempt;", "attempts;"])) == ["attempt;", "attempts;"]   # `%d attempt%s`


def test_tokenize_round_trips():
    for template in ["a b  c", " lead", "x=<*> y", ""]:
        assert " ".join(tokenize(template)) == template


def test_merge_one_position_of_variable_tokens():
    groups = [group("write to volume vol<N> failed", count=3, first=10, last=30, sample="s10"),
              group("write to volume sdb<N> failed", count=2, first=5, last=12, sample="s5"),
              group("write to volume <HEX> failed", count=1, first=40, sample="s40")]
    merged, mapping = merge_groups(groups)
    assert merged == [{"id": group_id("ERROR", "write to volume <*> failed"), "level": "ERROR",
                       "template": "write to volume <*> failed", "count": 6, "first_line": 5, "last_line": 40,
                       "sample": "s5"}]
    assert mapping == {g["id"]: merged[0]["id"] for g in groups}


def test_merge_keeps_plain_words_apart():
    groups = [group("[instance: <UUID>] VM Started (Lifecycle Event)", "WARN"),
              group("[instance: <UUID>] VM Paused (Lifecycle Event)", "WARN", first=2),
              group("[instance: <UUID>] VM Resumed (Lifecycle Event)", "WARN", first=3),
              group("[instance: <UUID>] VM Stopped (Lifecycle Event)", "WARN", first=4)]
    merged, mapping = merge_groups(groups)
    assert sorted(g["template"] for g in merged) == sorted(g["template"] for g in groups)
    assert mapping == {g["id"]: g["id"] for g in groups}


def test_merge_many_plain_words_at_one_position():
    users = ["root", "admin", "oracle", "ubuntu", "guest", "test"]
    groups = [group(f"sshd: Failed password for {u} from <IP>", first=i) for i, u in enumerate(users, 1)]
    merged, _ = merge_groups(groups)
    assert [g["template"] for g in merged] == ["sshd: Failed password for <*> from <IP>"]
    assert merged[0]["count"] == 6


def test_merge_needs_same_level_same_length_and_not_the_first_token():
    groups = [group("volume vol<N> failed", "ERROR"), group("volume sdb<N> failed", "WARN"),
              group("write to volume vol<N> failed"), group("write to volume vol<N> failed twice"),
              group("vol<N> write failed"), group("sdb<N> write failed")]
    merged, mapping = merge_groups(groups)
    assert len(merged) == len(groups)
    assert all(old == new for old, new in mapping.items())


def test_merge_leaves_short_templates_alone():
    merged, _ = merge_groups([group("volume vol<N>"), group("volume sdb<N>")])
    assert len(merged) == 2


def test_merge_is_independent_of_input_order():
    templates = [f"task {t} failed on {h}" for t in ("<N>", "rdd_<N>", "<HEX>") for h in ("node-a", "node-b")]
    templates += ["task started on node-a", "task started on node-b", "job <N> failed on node-a"]
    groups = [group(t, first=i, count=i) for i, t in enumerate(templates, 1)]
    results = set()
    for seed in range(6):
        shuffled = list(groups)
        random.Random(seed).shuffle(shuffled)
        merged, mapping = merge_groups(shuffled)
        results.add((tuple(tuple(sorted(g.items())) for g in merged), tuple(sorted(mapping.items()))))
    assert len(results) == 1
    merged, mapping = merge_groups(groups)
    assert {g["template"] for g in merged} == {"task <*> failed on <*>", "task started on <*>",
                                               "job <N> failed on node-a"}
    assert set(mapping) == {g["id"] for g in groups}
    assert sum(g["count"] for g in merged) == sum(g["count"] for g in groups)


_WORDS = ["alpha", "beta", "gamma", "delta", "Started", "Paused", "attempt;", "attempts;", "(Lifecycle", "redis:",
          "java.io.IOException", "a", "w"]
_VALUES = ["<N>", "vol<N>", "sdb<N>", "x=<*>", "<*>", "web-a", "<HEX>", "rdd_<N>", "<PATH>", "node7", "1", "2"]


def _merge_case(rng: random.Random) -> list[dict]:
    """Families of templates that differ from a base in one or two positions (plain words or values), of usual
    lengths, of lengths past grouping._SLICED_MAX_TOKENS, and near TEMPLATE_MAX_CHARS (where `<*>` makes a merged
    template longer and the cut can make two merged templates one)."""
    templates = {}
    for _ in range(rng.randint(1, 6)):
        kind = rng.random()
        if kind < 0.6:
            length = rng.randint(1, 12)
        elif kind < 0.8:
            length = rng.randint(90, 130)
        else:
            length = 249   # 1-character tokens: 497 characters
        vocab = _WORDS + _VALUES if length < 249 else ["a", "w", "1", "2", "x"]
        base = [rng.choice(vocab) for _ in range(length)]
        level = rng.choice(["ERROR", "WARN"])
        spots = [rng.randrange(length) for _ in range(rng.randint(1, 3))]
        if length == 249:
            spots = [rng.randrange(length - 6, length) for _ in range(rng.randint(1, 3))]
        for _ in range(rng.randint(1, 40)):
            tokens = list(base)
            for spot in rng.sample(spots, rng.randint(1, min(2, len(spots)))):
                tokens[spot] = rng.choice(vocab)
            if rng.random() < 0.1:
                level = rng.choice(["ERROR", "WARN"])
            templates[(level, " ".join(tokens)[:TEMPLATE_MAX_CHARS])] = None
    lines = rng.sample(range(1, 10 * len(templates) + 1), 2 * len(templates))
    groups = []
    for i, (level, template) in enumerate(templates):
        first, last = sorted(lines[2 * i:2 * i + 2])
        g = group(template, level, count=rng.randint(1, 5), first=first, last=last)
        if rng.random() < 0.7:
            g.update(first_raw=f"raw {first}", last_raw=f"raw {last}")
        groups.append(g)
    return groups


@pytest.mark.parametrize("sliced_max", [None, 0, 10 ** 6])
def test_merge_groups_as_the_reference(monkeypatch, sliced_max):
    """merge_groups gives what it gave with its former pass (kept at the end of this file: the rewrite changed only
    the pass), groups in the same order, with either way of keying templates (slices, token-run ids)."""
    if sliced_max is not None:
        monkeypatch.setattr(grouping, "_SLICED_MAX_TOKENS", sliced_max)
    rng = random.Random(repr(sliced_max))   # (Random(None) would seed from the OS: another case each run)
    merged_some = cut_collisions = 0
    for _ in range(300):
        groups = _merge_case(rng)
        got = merge_groups(groups)
        with monkeypatch.context() as former:
            former.setattr(grouping, "_merge_pass", _reference_merge_pass)
            assert got == merge_groups(groups)
        merged_some += len(got[0]) < len(groups)
        lengths = defaultdict(set)   # templates of other lengths in one merged group: only the cut does that
        for g in groups:
            lengths[got[1][g["id"]]].add(len(tokenize(g["template"])))
        cut_collisions += any(len(s) > 1 for s in lengths.values())
    assert merged_some > 100 and cut_collisions > 0   # the cases do exercise merging and the cut


def test_merge_does_not_modify_its_input():
    groups = [group("write to volume vol<N> failed"), group("write to volume sdb<N> failed", first=2)]
    before = [dict(g) for g in groups]
    merge_groups(groups)
    assert groups == before


def test_merge_empty():
    assert merge_groups([]) == ([], {})


def test_group_table_merged():
    table = GroupTable()
    for line, (level, template) in enumerate([("ERROR", "write to volume vol<N> failed"),
                                              ("ERROR", "write to volume sdb<N> failed"),
                                              ("ERROR", "write to volume vol<N> failed"),
                                              ("WARN", "write to volume vol<N> failed")], 1):
        table.add(group_id(level, template), level, template, line, f"sample {line}")
    merged, mapping = table.merged()
    assert [(g["level"], g["template"], g["count"], g["first_line"], g["last_line"], g["sample"]) for g in merged] == [
        ("ERROR", "write to volume <*> failed", 3, 1, 3, "sample 1"),
        ("WARN", "write to volume vol<N> failed", 1, 4, 4, "sample 4")]
    assert len(mapping) == 3
    assert len(table.top(10)) == 3   # top() stays unmerged


def _table_state(table: GroupTable):
    return list(table._groups.items()), table.total, table.raw_lines(), table.merged()


@pytest.mark.parametrize("seed", range(6))
def test_add_group_is_that_many_adds(seed):
    """add_group(count events of one group) leaves the table as `count` add calls do, also past the tracked-group
    bound (later groups untracked) and past the exact distinct limit (HyperLogLog): runs of events are folded per
    group in order of first appearance, as app.parallel's workers fold a chunk."""
    rng = random.Random(seed)
    groups = [("ERROR" if i % 3 else "WARN", f"step {i} failed after <N> ms") for i in range(40)]
    events = []   # (gid, level, template, line, sample, raw)
    for line in range(1, 600):
        if rng.random() < 0.6:
            level, template = rng.choice(groups[:rng.choice((5, 40))])   # a few frequent groups, many rare ones
            events.append((group_id(level, template), level, template, line, f"sample {line}", f"raw {line}"))
    one_by_one, folded = GroupTable(max_tracked=12, exact_limit=20), GroupTable(max_tracked=12, exact_limit=20)
    for gid, level, template, line, sample, raw in events:
        one_by_one.add(gid, level, template, line, sample, raw)
    pos = started = 0
    while pos < len(events):
        run = events[pos:pos + rng.randint(1, 80)]
        pos += len(run)
        sums: dict[str, list] = {}   # gid -> [level, template, count, first, last, sample, first_raw, last_raw]
        for gid, level, template, line, sample, raw in run:
            if gid in sums:
                sums[gid][2] += 1
                sums[gid][4], sums[gid][7] = line, raw
            else:
                sums[gid] = [level, template, 1, line, line, sample, raw, raw]
        for gid, (level, template, count, first, last, sample, first_raw, last_raw) in sums.items():
            started += folded.add_group(gid, level, template, count, first, last, sample, first_raw, last_raw)
    assert one_by_one._distinct._exact is None and len(one_by_one._groups) == 12   # both bounds were passed
    assert started == 12   # add_group says when it starts tracking a group
    assert _table_state(folded) == _table_state(one_by_one)


# ----------------------------------------------------------------------------------------------------------------
# Field-reported and Loghub-style groups through make_template + merge: lines of one list share one id, lines of
# different lists get different ids
# ----------------------------------------------------------------------------------------------------------------
def merged_ids(events):
    """(level, message) per event -> the group id each event ends up with after merging."""
    table = GroupTable()
    ids = []
    for line, (level, message) in enumerate(events, 1):
        template = make_template(message)
        gid = group_id(level, template)
        table.add(gid, level, template, line, message)
        ids.append(gid)
    _, mapping = table.merged()
    return [mapping[gid] for gid in ids]


def assert_grouping(lists):
    events = [event for events in lists for event in events]
    ids = iter(merged_ids(events))
    per_list = [{next(ids) for _ in events} for events in lists]
    for i, got in enumerate(per_list):
        assert len(got) == 1, f"list {i} split: {[make_template(m) for _, m in lists[i]]}"
    assert len(set().union(*per_list)) == len(lists), [make_template(events[0][1]) for events in lists]


E, W, F = "ERROR", "WARN", "FATAL"
_KLOG = ('pod_workers.go:1298] Error syncing pod, skipping: failed to "StartContainer" for "app" with '
         'CrashLoopBackOff: "back-off 5m0s restarting failed container=app pod={pod}_default" pod="default/{pod}"')
FIELD_GROUPS = [
    [[(E, _KLOG.format(pod=p)) for p in ("web-7f9c8d6b5-x2k4q", "web-7f9c8d6b5-mp9zt", "api-5d8b7c6f4-q7wrn")]],
    [[(E, f"volume attach failed on {i} device {d}: timeout") for i, d in (
        ("i-0abc123def4567890", "/dev/sdb1"), ("i-0fed987cba6543210", "/dev/sdc1"),
        ("i-0123456789abcdef0", "/dev/nvme1n1"))]],
    [[(W, "[instance: b9000564-fe1a-409b-b8cc-1e88b294cd1d] VM Started (Lifecycle Event)")],
     [(W, "[instance: b9000564-fe1a-409b-b8cc-1e88b294cd1d] VM Paused (Lifecycle Event)")]],
    [[(E, f"write to volume vol{n} failed") for n in (1, 2, 3)]],
    [[(W, "org.example.ipc.Client: Address change detected. Old: node-17/10.0.0.7:8030 New: node-17:8030"),
      (W, "org.example.ipc.Client: Address change detected. Old: node-18/10.0.0.8:9000 New: node-18:9000")]],
    [[(W, "Cannot open channel to 2 at election address /10.10.34.12:3888"),
      (W, "Cannot open channel to 1 at election address /10.10.34.11:3888")],
     [(W, "Unexpected Exception: ")]],
    [[(F, "iod: failed to read message header on control socket (socket to 10.0.3.7:33520)"),
      (F, "iod: failed to read message header on control socket (socket to 10.0.3.9:33521)")],
     [(F, "machine check interrupt (bit=0x1d): L2 dcache unit data parity error"),
      (F, "machine check interrupt (bit=0x0b): L2 dcache unit data parity error")],
     [(W, "total of 14 ddr error(s) detected and corrected over 3600 seconds")],
     [(E, "memory controller reported 3 uncorrectable errors")]],
    [[(E, "Failed to resolve package 'Package_for_KB5001' [HRESULT = 0x800f0805 - E_INVALID_PACKAGE]"),
      (E, "Failed to resolve package 'Package_for_KB5002' [HRESULT = 0x800f0805 - E_INVALID_PACKAGE]")],
     [(E, "Failed to get next package to re-evaluate [HRESULT = 0x800f0805 - E_INVALID_PACKAGE]")]],
]

# Habits of the Loghub datasets (lines as their logs print them, header cut): values in every shape, and events
# that differ only in a word.
LOGHUB_SAME = [
    # HDFS
    [[(W, "10.251.30.6:50010:Got exception while serving blk_-2918118818249673980 to /10.251.90.64:"),
      (W, "10.250.19.102:50010:Got exception while serving blk_3886504906413966012 to /10.250.19.102:")],
     [(W, "PendingReplicationMonitor timed out block blk_-7571492020523929240"),
      (W, "PendingReplicationMonitor timed out block blk_2837493849202")],
     [(E, "writeBlock blk_-5140072410813878235 received exception java.io.IOException: Could not read from stream"),
      (E, "writeBlock blk_7503483334202473044 received exception java.io.IOException: Could not read from stream")],
     [(E, "writeBlock blk_7503483334202473044 received exception java.io.EOFException: while trying to read 65557 "
          "bytes")]],
    # BGL
    [[(F, "ciod: Error loading /p/gb2/stella/RAPTOR/2183/raptor: invalid or missing program image, Exec format "
          "error"),
      (F, "ciod: Error loading ./a.out: invalid or missing program image, Exec format error")],
     [(F, "data TLB error interrupt")],
     [(F, "rts: kernel terminated for reason 1004rts: bad message header: invalid cpu, type=42315, cpu=105, "
          "index=1207960804, total=1"),
      (F, "rts: kernel terminated for reason 1004rts: bad message header: invalid cpu, type=57, cpu=3, index=1, "
          "total=1")],
     [(F, "Lustre mount FAILED: bglio11: block_id: location"),
      (F, "Lustre mount FAILED: bglio52: block_id: location")]],
    # Hadoop
    [[(W, "Retrying connect to server: msra-sa-41:9000. Already tried 0 time(s); maxRetries=45"),
      (W, "Retrying connect to server: minint-fnanli5.fareast.corp.microsoft.com:8030. Already tried 9 time(s); "
          "maxRetries=45")],
     [(E, "ERROR IN CONTACTING RM.")]],
    # Zookeeper
    [[(W, "Connection broken for id 188978561024, my id = 1, error = "),
      (W, "Connection broken for id 1, my id = 3, error = ")],
     [(W, "Interrupted while waiting for message on queue")],
     [(W, "Notification time out: 800"), (W, "Notification time out: 51200")]],
    # OpenStack
    [[(W, "nova.virt.libvirt.imagecache [req-addc1839-2ed5-4778-b57e-5854eb7b8b09 - - - - -] Unknown base file: "
          "/var/lib/nova/instances/_base/a489c868f0c37da93b76227c91bb03908ac0e742"),
      (W, "nova.virt.libvirt.imagecache [-] Unknown base file: /var/lib/nova/instances/_base/"
          "4fdd3a8c1e4d7fbb5e2e6c8e0d4d3a1b9c7e5f20")],
     [(W, "nova.compute.manager [req-addc1839-2ed5-4778-b57e-5854eb7b8b09 - - - - -] While synchronizing instance "
          "power states, found 1 instances in the database and 0 instances on the hypervisor.")]],
    # Apache
    [[(E, "[client 222.166.160.184] Directory index forbidden by rule: /var/www/html/"),
      (E, "[client 61.138.216.82] Directory index forbidden by rule: /var/www/html/manual/")],
     [(E, "mod_jk child workerEnv in error state 6"), (E, "mod_jk child workerEnv in error state 7")],
     [(E, "jk2_init() Can't find child 5620 in scoreboard"), (E, "jk2_init() Can't find child 6725 in scoreboard")]],
    # Linux syslog
    [[(W, "sshd(pam_unix)[19939]: authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= "
          "rhost=218.188.2.4"),
      (W, "sshd(pam_unix)[26710]: authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= "
          "rhost=220-135-151-1.hinet-ip.hinet.net")],
     [(W, "sshd(pam_unix)[19939]: authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= "
          "rhost=218.188.2.4  user=root")],
     [(W, "sshd(pam_unix)[19937]: check pass; user unknown")],
     [(W, "sudo:    alice : 3 incorrect password attempts ; TTY=pts/0 ; PWD=/home/alice ; USER=root ; "
          "COMMAND=/usr/bin/systemctl restart nginx"),
      (W, "sudo:      bob : 1 incorrect password attempt ; TTY=pts/1 ; PWD=/home/bob ; USER=root ; COMMAND=/bin/sh")],
     [(W, "ftpd[24487]: connection from 222.33.90.199 (222.33.90.199) at Sat Jun 25 09:20:43 2005"),
      (W, "ftpd[23736]: connection from 24.54.76.216 (24-54-76-216.bflony.adelphia.net) at Sun Jul 24 02:38:22 2005")],
     [(E, "kernel: blk_update_request: I/O error, dev sda, sector 2048 op 0x0:(READ) flags 0x0 phys_seg 1 prio "
          "class 0"),
      (E, "kernel: blk_update_request: I/O error, dev nvme0n1, sector 9 op 0x1:(WRITE) flags 0x800 phys_seg 2 prio "
          "class 0")],
     [(E, "kernel: Out of Memory: Killed process 2592 (httpd)."),
      (E, "kernel: Out of Memory: Killed process 30751 (java).")]],
    # Android
    [[(W, "ActivityManager: Skipping AppWindowToken{df0798e token=Token{78af589 ActivityRecord{3b04890 u0 "
          "com.tencent.qt.qtl/.activity.info.NewsDetailXmlActivity t761}}} -- going to hide"),
      (W, "ActivityManager: Skipping AppWindowToken{1b0a4c2 token=Token{9e8d7f1 ActivityRecord{5f6e7d8 u0 "
          "com.tencent.qt.qtl/.activity.info.NewsDetailXmlActivity t762}}} -- going to hide")],
     [(E, "AndroidRuntime: FATAL EXCEPTION: main"), (E, "AndroidRuntime: FATAL EXCEPTION: RxCachedThreadScheduler-1")]],
    # Spark
    [[(E, "executor.Executor: Exception in task 1.0 in stage 3.0 (TID 17)"),
      (E, "executor.Executor: Exception in task 12.1 in stage 40.0 (TID 1093)")],
     [(W, "scheduler.TaskSetManager: Lost task 1.0 in stage 3.0 (TID 17, mesos-slave-07, executor 2): "
          "java.io.FileNotFoundException: /opt/hdfs/nodemanager/usercache/curi/appcache/"
          "application_1485248649253_0147/blockmgr-70293f72-844a-4b39-9ad6-fb0ad7e364e4/17/shuffle_0_5_0.index "
          "(No such file or directory)"),
      (W, "scheduler.TaskSetManager: Lost task 3.0 in stage 1.0 (TID 9, mesos-slave-13, executor 4): "
          "java.io.FileNotFoundException: /opt/hdfs/nodemanager/usercache/curi/appcache/"
          "application_1485248649253_0152/blockmgr-0c1e7b4a-9d0e-4c1f-8a7b-5e4d3c2b1a09/0d/shuffle_3_1_0.data "
          "(No such file or directory)")]],
    # Thunderbird
    [[(E, "pbs_mom: Connection refused (111) in open_demux, open_demux: connect 10.100.4.251:48487"),
      (E, "pbs_mom: Connection refused (111) in open_demux, open_demux: connect 10.100.20.250:15003")],
     [(E, "kernel: EXT3-fs error (device sda5): ext3_find_entry: reading directory #2 offset 0"),
      (E, "kernel: EXT3-fs error (device sdb1): ext3_find_entry: reading directory #1171 offset 0")],
     [(W, "ib_sm.x[24904]: [ib_sm_sweep.c:1455]: No topology change"),
      (W, "ib_sm.x[1227]: [ib_sm_sweep.c:1455]: No topology change")],
     [(W, "ib_sm.x[24904]: [ib_sm_sweep.c:1482]: Topology changed")]],
    # Windows CBS: the HRESULT's name goes with its (masked) code
    [[(E, "CBS Failed to internally open package. [HRESULT = 0x800f0805 - CBS_E_INVALID_PACKAGE]"),
      (E, "CBS Failed to internally open package. [HRESULT = 0x80070005 - E_ACCESSDENIED]"),
      (E, "CBS Failed to internally open package. [HRESULT = 0x800f081f - CBS_E_SOURCE_MISSING]")]],
]


@pytest.mark.parametrize("lists", FIELD_GROUPS, ids=lambda lists: make_template(lists[0][0][1])[:40])
def test_field_reported_groups(lists):
    assert_grouping(lists)


@pytest.mark.parametrize("lists", LOGHUB_SAME, ids=["HDFS", "BGL", "Hadoop", "Zookeeper", "OpenStack", "Apache",
                                                    "Linux", "Android", "Spark", "Thunderbird", "CBS"])
def test_loghub_habits(lists):
    assert_grouping(lists)


def test_a_java_method_named_service_is_not_a_systemd_unit():
    assert "Servlet.service()" in make_template("Servlet.service() for servlet [dispatcher] threw exception")
    assert "<UNIT>" in make_template("Failed to start nginx.service: unit not found")


# -- The merge pass as app.grouping did it before its per-class rewrite (commit dacc7f3): polynomial hashes of the
# tokens before and after each position, every cluster filed at every position up front. Kept as the reference
# test_merge_groups_as_the_reference compares merge_groups with (the rest of merge_groups did not change). --

_REFERENCE_HASH_MOD = (1 << 61) - 1
_REFERENCE_HASH_BASE = 1_000_003


def _reference_index(cid: int, cluster: grouping._Cluster, by_pos: list[dict[int, list[int]]], start: int) -> None:
    """Files a cluster under one bucket per position >= start: the templates of one level and length whose tokens
    are equal except at that position share it. The bucket key is an int made of polynomial hashes of the tokens
    before and after the position, so filing costs O(tokens) per cluster, not O(tokens^2); what shares a bucket is
    compared exactly before merging."""
    tokens = cluster.tokens
    n = len(tokens)
    if n < grouping.MERGE_MIN_TOKENS:
        return
    hashes = [hash(t) for t in tokens]
    prefix = [hash((cluster.level, n)) % _REFERENCE_HASH_MOD]
    for h in hashes:
        prefix.append((prefix[-1] * _REFERENCE_HASH_BASE + h) % _REFERENCE_HASH_MOD)
    suffix = [0] * (n + 1)
    for i in range(n - 1, -1, -1):
        suffix[i] = (suffix[i + 1] * _REFERENCE_HASH_BASE + hashes[i]) % _REFERENCE_HASH_MOD
    start = max(start, 1)   # never position 0: the first token is the message's subject or source
    for pos, key in enumerate([(p << 61) | q for p, q in zip(prefix[start:n], suffix[start + 1:])], start):
        buckets = by_pos[pos]
        bucket = buckets.get(key)
        if bucket is None:
            buckets[key] = [cid]
        else:
            bucket.append(cid)


def _reference_merge_pass(clusters: dict[int, grouping._Cluster], next_id: int) -> int:
    """One left-to-right pass over the token positions, merging in place. Returns the next free cluster id (unchanged
    when nothing merged)."""
    length = max((len(c.tokens) for c in clusters.values()), default=0)
    by_pos: list[dict[int, list[int]]] = [{} for _ in range(length)]
    for cid, cluster in list(clusters.items()):
        _reference_index(cid, cluster, by_pos, 1)
    for pos in range(1, length):
        for bucket in list(by_pos[pos].values()):
            if len(bucket) < 2:
                continue
            live = [clusters[cid] for cid in dict.fromkeys(bucket) if cid in clusters]
            if len(live) < 2 or not select_merge([c.tokens[pos] for c in live]):
                continue
            exact: dict[tuple, list[int]] = defaultdict(list)   # the hashes' verdict, checked
            for cid in dict.fromkeys(bucket):
                c = clusters.get(cid)
                if c is not None:
                    exact[(c.level, c.tokens[:pos], c.tokens[pos + 1:])].append(cid)
            for (level, before, after), cids in exact.items():
                if len(cids) < 2:
                    continue
                chosen = set(select_merge([clusters[cid].tokens[pos] for cid in cids]))
                if not chosen:
                    continue
                members = []
                for cid in cids:
                    if clusters[cid].tokens[pos] in chosen:
                        members.extend(clusters.pop(cid).members)
                merged = grouping._Cluster(level, before + (grouping.WILDCARD,) + after, members)
                clusters[next_id] = merged
                _reference_index(next_id, merged, by_pos, pos + 1)
                next_id += 1
    return next_id
