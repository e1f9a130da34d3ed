"""Unit tests of grouping.make_template: one error with other values -> one template; other errors -> other ones.

The hard cases come from bench/grouping_vs_drain.py (grouping measured against drain3 on a labelled corpus).
"""
import pytest

from app.grouping import make_template

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
    assert [grouping.make_template(m) for m in messages] == [grouping._make_template(m) for m in messages]
    assert len(grouping._template_cache) <= 3
