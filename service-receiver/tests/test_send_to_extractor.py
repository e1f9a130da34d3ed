import pytest
import requests

from app.send_to_extractor import OK, PERMANENT, RETRY, ExtractorClient, classify, extract_request


@pytest.mark.parametrize(
    "status,kind",
    [(200, OK), (201, OK), (400, PERMANENT), (404, PERMANENT), (422, PERMANENT), (429, RETRY), (408, RETRY),
     (500, RETRY), (502, RETRY), (503, RETRY), (302, RETRY)],
)
def test_classify(status, kind):
    assert classify(status) == kind


def test_extract_request_omits_nulls_and_extra_fields():
    message = {"bucket": "b", "key": "k", "etag": None, "version_id": "v", "size": 3, "sequencer": "01"}
    assert extract_request(message) == {"bucket": "b", "key": "k", "version_id": "v"}


def test_outcome_carries_status_and_error_text(extractor):
    extractor.status, extractor.body = 502, {"error": "storage rejected the summary", "details": []}
    outcome = ExtractorClient(extractor.url, read_timeout=5)({"bucket": "b", "key": "k"})
    assert (outcome.kind, outcome.status, outcome.error, outcome.ok) == (RETRY, 502, "storage rejected the summary", False)


def test_non_json_error_body_is_kept_as_text(extractor):
    extractor.status, extractor.body = 500, "<html>oops</html>"
    outcome = ExtractorClient(extractor.url + "/", read_timeout=5)({"bucket": "b", "key": "k"})
    assert outcome.error == "<html>oops</html>"
    assert extractor.requests[0]["path"] == "/extract"


def test_success_has_no_error(extractor):
    outcome = ExtractorClient(extractor.url, read_timeout=5)({"bucket": "b", "key": "k", "etag": "e"})
    assert outcome.ok and outcome.status == 201 and outcome.error is None


def test_connection_refused_is_retry(free_port):
    outcome = ExtractorClient(f"http://127.0.0.1:{free_port()}", read_timeout=5)({"bucket": "b", "key": "k"})
    assert outcome.kind == RETRY and outcome.status is None and "ConnectionError" in outcome.error


def test_timeouts_passed_to_requests():
    seen = {}

    class Session(requests.Session):
        def post(self, url, **kwargs):
            seen.update(kwargs, url=url)
            raise requests.ReadTimeout("slow")

    outcome = ExtractorClient("http://x:1", read_timeout=900, session=Session())({"bucket": "b", "key": "k"})
    assert seen["timeout"] == (5.0, 900) and seen["url"] == "http://x:1/extract"
    assert outcome.kind == RETRY and outcome.error.startswith("timeout")


def test_the_token_goes_with_every_call(extractor):
    client = ExtractorClient(extractor.url, read_timeout=5, token="extract-token-for-tests-0001")
    client({"bucket": "b", "key": "k"})
    client({"bucket": "b", "key": "k2"})
    assert extractor.authorizations == ["Bearer extract-token-for-tests-0001"] * 2


@pytest.mark.parametrize("status", [401, 403])
def test_a_refused_token_or_bucket_is_permanent(extractor, status):
    extractor.status, extractor.body = status, {"error": "invalid bearer token", "details": []}
    outcome = ExtractorClient(extractor.url, read_timeout=5, token="wrong-token-for-tests-01")({"bucket": "b", "key": "k"})
    assert (outcome.kind, outcome.status) == (PERMANENT, status)
