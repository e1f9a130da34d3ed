import pytest

from app.config import Config

TOKEN = "extract-token-for-tests-0001"


def test_defaults():
    config = Config.from_env({"QUEUE_URL": "http://q", "EXTRACTOR_TOKEN": TOKEN})
    assert config == Config(queue_url="http://q", extractor_url="http://127.0.0.1:8081", extractor_token=TOKEN,
                            host="0.0.0.0", port=8080,
                            wait_seconds=20, max_messages=10, extractor_timeout_seconds=900.0,
                            shutdown_grace_seconds=30.0, visibility_seconds=60, log_level="INFO")


def test_overrides():
    config = Config.from_env({"QUEUE_URL": "q", "EXTRACTOR_TOKEN": f"{TOKEN},next-token-for-tests-01",
                              "EXTRACTOR_URL": "http://e:1/", "RECEIVER_HOST": "127.0.0.1",
                              "RECEIVER_PORT": "9", "RECEIVER_WAIT_SECONDS": "1", "RECEIVER_MAX_MESSAGES": "2",
                              "EXTRACTOR_TIMEOUT_SECONDS": "3.5", "RECEIVER_SHUTDOWN_GRACE_SECONDS": "4",
                              "RECEIVER_VISIBILITY_SECONDS": "0", "LOG_LEVEL": "debug"})
    assert (config.extractor_url, config.host, config.port, config.wait_seconds, config.max_messages,
            config.extractor_timeout_seconds, config.shutdown_grace_seconds, config.visibility_seconds,
            config.log_level) == ("http://e:1", "127.0.0.1", 9, 1, 2, 3.5, 4.0, 0, "debug")
    assert config.extractor_token == TOKEN  # of a rotating pair, the first is sent


@pytest.mark.parametrize("env", [{}, {"QUEUE_URL": "q", "RECEIVER_WAIT_SECONDS": "21"},
                                 {"QUEUE_URL": "q", "RECEIVER_MAX_MESSAGES": "0"},
                                 {"QUEUE_URL": "q", "RECEIVER_MAX_MESSAGES": "11"},
                                 {"QUEUE_URL": "q", "RECEIVER_VISIBILITY_SECONDS": "-1"},
                                 {"QUEUE_URL": "q", "RECEIVER_RETRY_SECONDS": "-1"},
                                 {"QUEUE_URL": "q", "RECEIVER_CONCURRENCY": "0"},
                                 {"QUEUE_URL": "q", "RECEIVER_CONCURRENCY": "65"},
                                 {"QUEUE_URL": "q", "RECEIVER_VISIBILITY_SECONDS": "43201"}])
def test_invalid(env):
    with pytest.raises(ValueError):
        Config.from_env({"EXTRACTOR_TOKEN": TOKEN, **env})


@pytest.mark.parametrize("token", [None, "", "short"])
def test_the_extractor_token_is_required(token):
    env = {"QUEUE_URL": "q"} if token is None else {"QUEUE_URL": "q", "EXTRACTOR_TOKEN": token}
    with pytest.raises(ValueError, match="EXTRACTOR_TOKEN"):
        Config.from_env(env)


def test_reads_os_environ_only_when_called(monkeypatch):
    monkeypatch.setenv("QUEUE_URL", "from-env")
    monkeypatch.setenv("EXTRACTOR_TOKEN", TOKEN)
    assert Config.from_env().queue_url == "from-env"
