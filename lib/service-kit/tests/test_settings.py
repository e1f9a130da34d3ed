import pytest

from service_kit.settings import SettingError, env_bool, env_float, env_int, env_list, env_tokens


def test_int_default_range_and_error_naming_the_variable():
    assert env_int({}, "N", 5) == 5 and env_int({"N": " 7 "}, "N", 5, minimum=1) == 7
    with pytest.raises(SettingError, match="N must be an integer"):
        env_int({"N": "seven"}, "N", 5)
    with pytest.raises(SettingError, match=r"N must be >= 1 and <= 10, not 11"):
        env_int({"N": "11"}, "N", 5, minimum=1, maximum=10)


def test_float_rejects_nan_and_bounds():
    assert env_float({"T": "2.5"}, "T", 1.0, minimum=0) == 2.5
    for bad in ("nan", "x"):
        with pytest.raises(SettingError, match="T must be a number"):
            env_float({"T": bad}, "T", 1.0)
    with pytest.raises(SettingError, match="T must be >= 0"):
        env_float({"T": "-1"}, "T", 1.0, minimum=0)


@pytest.mark.parametrize("raw,value", [("true", True), ("TRUE", True), ("1", True), ("yes", True), ("on", True),
                                       ("false", False), ("0", False), ("No", False), ("off", False)])
def test_bool_words(raw, value):
    assert env_bool({"B": raw}, "B", not value) is value


def test_bool_rejects_other_words_and_defaults_when_unset():
    assert env_bool({}, "B", True) is True and env_bool({"B": " "}, "B", False) is False
    with pytest.raises(SettingError, match="B must be true or false"):
        env_bool({"B": "maybe"}, "B", False)


def test_list_drops_blanks():
    assert env_list({"L": " a, b ,,c "}, "L") == ("a", "b", "c") and env_list({}, "L") == ()


def test_tokens_required_rotating_and_checked_without_echoing_them():
    good, new = "t" * 16, "u" * 40
    assert env_tokens({"TOK": f"{good}, {new}"}, "TOK", required=True) == (good, new)
    assert env_tokens({}, "TOK", required=False) == ()
    with pytest.raises(SettingError, match="TOK is required"):
        env_tokens({"TOK": " , "}, "TOK", required=True)
    for bad in ("short", "x" * 15, "é" * 20, "a\tb" + "c" * 20):
        with pytest.raises(SettingError, match="TOK: token 1 must be at least 16") as info:
            env_tokens({"TOK": bad}, "TOK", required=True)
        assert bad not in str(info.value)
