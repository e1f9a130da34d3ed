"""Trust boundaries, through the real stack (gunicorn services and the embedded AWS over HTTP on 127.0.0.1): what a
client inside the cluster can and cannot make the services do (CONTRACTS.md, Credentials)."""
import requests


def _bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def _forged_result(bucket: str, key: str, etag: str) -> dict:
    return {"lines": 1, "bytes": 10, "counts": {"FATAL": 0, "ERROR": 0, "WARN": 0}, "stack_traces": 0, "groups": [],
            "groups_total": 0, "bucket": bucket, "key": key, "etag": etag, "version_id": None,
            "incomplete": False, "error": None}


def test_the_extractor_reads_no_bucket_outside_logs_buckets(stack, sample):
    """Another bucket the same credentials can reach: 403, nothing read, nothing stored."""
    other = "someone-elses-logs"
    stack.s3.create_bucket(Bucket=other)
    key = stack.unique_key("their.log")
    stack.s3.put_object(Bucket=other, Key=key, Body=sample)
    resp = requests.post(f"{stack.env['EXTRACTOR_URL']}/extract", json={"bucket": other, "key": key}, timeout=30,
                         headers=_bearer(stack.env["EXTRACTOR_TOKEN"]))
    assert resp.status_code == 403
    assert "LOGS_BUCKETS" in resp.json()["error"]
    found = stack.reader.get(f"{stack.storage}/results", params={"key": key, "bucket": other}, timeout=10)
    assert found.json()["items"] == []
    assert any(r.get("message") == "bucket not allowed" and r.get("bucket") == other
               for r in stack.log_records("extractor"))


def test_extract_without_the_receivers_token_is_401(stack):
    key = stack.unique_key("direct.log")
    for headers in ({}, _bearer("x" * 43), _bearer(stack.env["RESULTS_WRITE_TOKEN"])):
        resp = requests.post(f"{stack.env['EXTRACTOR_URL']}/extract", json={"bucket": stack.bucket, "key": key},
                             headers=headers, timeout=30)
        assert resp.status_code == 401 and resp.headers["WWW-Authenticate"].startswith("Bearer")


def test_forged_writes_are_refused_and_cannot_preempt_the_real_result(stack, sample):
    """A forgery posted with the etag the object will have, before it is uploaded: without the write token it is
    401 (a reader's token: 403), and the real extraction then stores the real result."""
    key = stack.unique_key("preempted.log")
    etag = __import__("hashlib").md5(sample).hexdigest()  # what S3 will give the single-part upload
    forged = _forged_result(stack.bucket, key, etag)
    url = f"{stack.storage}/results"
    assert requests.post(url, json=forged, timeout=10).status_code == 401
    assert requests.post(url, json=forged, headers=_bearer("f" * 43), timeout=10).status_code == 401
    assert requests.post(url, json=forged, headers=_bearer(stack.env["RESULTS_READ_TOKEN"]), timeout=10).status_code == 403
    assert requests.post(url, json=forged, headers=_bearer(stack.env["EXTRACTOR_TOKEN"]), timeout=10).status_code == 401
    put = stack.s3.put_object(Bucket=stack.bucket, Key=key, Body=sample)
    assert put["ETag"].strip('"') == etag
    [result] = stack.wait_for_results(key)
    assert result["counts"] == {"FATAL": 1, "ERROR": 5, "WARN": 3} and result["etag"] == etag


def test_reads_need_the_read_token(stack, sample):
    key = stack.unique_key("read-me.log")
    stack.s3.put_object(Bucket=stack.bucket, Key=key, Body=sample)
    [result] = stack.wait_for_results(key)
    for path in ("/results", f"/results/{result['id']}"):
        assert requests.get(f"{stack.storage}{path}", timeout=10).status_code == 401
        assert requests.get(f"{stack.storage}{path}", headers=_bearer(stack.env["RESULTS_WRITE_TOKEN"]),
                            timeout=10).status_code == 403
        assert stack.reader.get(f"{stack.storage}{path}", timeout=10).status_code == 200
    for path in ("/healthz", "/readyz", "/metrics", "/openapi.json"):
        assert requests.get(f"{stack.storage}{path}", timeout=10).status_code == 200


def test_tokens_never_reach_the_logs(stack, wait_until, root):
    wait_until(lambda: stack.log_records("storage") and stack.log_records("extractor"), 30, "service logs")
    for service in ("storage", "extractor", "receiver"):
        text = (root / stack.env["LOG_DIR"] / f"{service}.log").read_text(errors="replace")
        for name in ("EXTRACTOR_TOKEN", "RESULTS_WRITE_TOKEN", "RESULTS_READ_TOKEN"):
            assert stack.env[name] not in text, (service, name)


def test_a_dense_gzip_bomb_is_bounded_stored_once_flagged_and_not_retried(bounded_stack, bounded_max_bytes,
                                                                           wait_until):
    """32 MiB of ERROR lines in ~110 KB of gzip: the extractor stops at EXTRACT_MAX_BYTES, storage keeps that
    summary flagged incomplete, and the message is deleted (nothing left on the queue, nothing in the DLQ)."""
    import gzip

    stack = bounded_stack
    line = b"2026-11-29 10:00:00,000 ERROR [main] App - disk quota exceeded on /var/data\n"
    bomb = gzip.compress(line * (32 * 2**20 // len(line)), 9)
    assert len(bomb) < 200_000
    key = stack.unique_key("bomb.log.gz")
    stack.s3.put_object(Bucket=stack.bucket, Key=key, Body=bomb)
    [result] = stack.wait_for_results(key)
    assert result["incomplete"] is True and f"EXTRACT_MAX_BYTES={bounded_max_bytes}" in result["error"]
    assert bounded_max_bytes <= result["bytes"] < bounded_max_bytes + 2 * 2**20
    assert result["counts"]["ERROR"] == result["lines"]

    def queues_empty():
        counts = []
        for url in (stack.env["QUEUE_URL"], stack.env["DLQ_URL"]):
            attrs = stack.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=[
                "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
            counts.append(int(attrs["ApproximateNumberOfMessages"]) + int(attrs["ApproximateNumberOfMessagesNotVisible"]))
        return counts == [0, 0]

    wait_until(queues_empty, 60, "the bomb's message to be deleted (not retried, not in the DLQ)")
    assert len(stack.results(key)) == 1


def test_a_token_rotates_without_downtime(bounded_stack, sample):
    """RESULTS_WRITE_TOKEN rotated as the README says: storage takes new and old, the extractor moves to the new one,
    storage drops the old one; results are stored at each step, and the old token is refused at the end."""
    import secrets

    stack = bounded_stack
    old, new = stack.env["RESULTS_WRITE_TOKEN"], secrets.token_urlsafe(32)

    def restart(service: str, token_list: str) -> None:
        launch = stack.local.stop_service(service)
        launch.env["RESULTS_WRITE_TOKEN"] = token_list
        stack.local.start_service(service, launch)

    def stored_after_upload(step: str) -> None:
        key = stack.unique_key(f"rotation {step}.log")
        stack.s3.put_object(Bucket=stack.bucket, Key=key, Body=sample)
        [result] = stack.wait_for_results(key)
        assert result["counts"] == {"FATAL": 1, "ERROR": 5, "WARN": 3}, step

    restart("storage", f"{new},{old}")      # 1. the checking side takes both
    stored_after_upload("storage takes both, extractor sends the old one")
    restart("extractor", new)               # 2. the sender moves over
    stored_after_upload("extractor sends the new one")
    restart("storage", new)                 # 3. the old one goes
    stored_after_upload("storage takes only the new one")
    forged = _forged_result(stack.bucket, stack.unique_key("old-token.log"), "e" * 32)
    assert requests.post(f"{stack.storage}/results", json=forged, headers=_bearer(old), timeout=10).status_code == 401
    assert requests.post(f"{stack.storage}/results", json=forged, headers=_bearer(new), timeout=10).status_code == 201
