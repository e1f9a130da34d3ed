def test_healthz(make_client):
    resp = make_client().get("/healthz")
    assert resp.status_code == 200 and resp.json == {"status": "ok"}


def test_readyz_when_the_table_exists(client):
    assert client.get("/readyz").status_code == 200


def test_readyz_503_when_the_table_is_missing(aws, make_client):
    resp = make_client(results_table="missing").get("/readyz")
    assert resp.status_code == 503
    assert resp.json["error"] == "not ready" and resp.json["details"]


def test_metrics_counts_stored_duplicates_and_rejected(client, make_result):
    client.post("/results", json=make_result())
    client.post("/results", json=make_result())
    client.post("/results", json={"lines": 1})
    resp = client.get("/metrics")
    assert resp.status_code == 200 and resp.mimetype == "text/plain"
    for line in ("storage_stored_total 1.0", "storage_duplicates_total 1.0", "storage_rejected_total 1.0",
                 "# TYPE storage_stored_total counter"):
        assert line in resp.text.splitlines()


def test_unknown_route_is_json_404(make_client):
    resp = make_client().get("/nope")
    assert resp.status_code == 404 and "error" in resp.json
