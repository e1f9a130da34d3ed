def test_405_is_json_and_keeps_its_allow_header(make_app):
    resp = make_app().test_client().delete("/things")
    assert resp.status_code == 405 and resp.is_json
    assert set(resp.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}
    assert resp.get_json()["error"]


def test_404_is_json(make_app):
    resp = make_app().test_client().get("/nope")
    assert resp.status_code == 404 and resp.get_json()["details"] == []


def test_an_unexpected_error_is_a_500_naming_only_its_type(make_app, caplog):
    resp = make_app().test_client().get("/boom")
    assert resp.status_code == 500
    assert resp.get_json() == {"error": "internal error", "details": ["RuntimeError"]}
    assert "secret detail" not in resp.get_data(as_text=True)
    assert any(r.levelname == "ERROR" for r in caplog.records)
