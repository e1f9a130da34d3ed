import pytest
from flask import Flask, jsonify

from service_kit.auth import BearerAuth, requires
from service_kit.errors import register_error_handlers

WRITE = "w" * 20
WRITE_NEXT = "n" * 24        # a rotated write token, valid next to the old one
READ = "r" * 32


@pytest.fixture
def make_app():
    def _make(public=frozenset()):
        import logging

        app = Flask(__name__)
        BearerAuth({"write": (WRITE, WRITE_NEXT), "read": (READ,)}, public=public).install(app)
        register_error_handlers(app, logging.getLogger("test"))

        @app.post("/things")
        @requires("write")
        def post_thing():
            return jsonify({"ok": True}), 201

        @app.get("/things")
        @requires("read")
        def list_things():
            return jsonify({"items": []})

        @app.get("/healthz")
        def healthz():
            return jsonify({"status": "ok"})

        @app.get("/boom")
        def boom():
            raise RuntimeError("secret detail")

        return app

    return _make


@pytest.fixture
def tokens():
    return {"write": WRITE, "write_next": WRITE_NEXT, "read": READ}
