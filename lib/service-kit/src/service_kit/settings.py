"""Typed reads of environment variables. Each raises ``SettingError`` (a ValueError) naming the variable and what
it must be, so a misconfigured pod fails at start with a message that says what to fix."""
from __future__ import annotations

from collections.abc import Mapping

MIN_TOKEN_CHARS = 16   # a bearer token shorter than this is a placeholder or a typo, not a secret


class SettingError(ValueError):
    """An environment variable holds a value the service cannot use."""


def env_int(env: Mapping[str, str], name: str, default: int, *, minimum: int | None = None,
            maximum: int | None = None) -> int:
    """``name`` as an integer within [minimum, maximum]; ``default`` when unset or empty."""
    raw = env.get(name, "").strip()
    try:
        value = int(raw) if raw else default
    except ValueError:
        raise SettingError(f"{name} must be an integer, not {raw!r}") from None
    _check_range(name, value, minimum, maximum)
    return value


def env_float(env: Mapping[str, str], name: str, default: float, *, minimum: float | None = None,
              maximum: float | None = None) -> float:
    """``name`` as a number within [minimum, maximum]; ``default`` when unset or empty."""
    raw = env.get(name, "").strip()
    try:
        value = float(raw) if raw else default
    except ValueError:
        raise SettingError(f"{name} must be a number, not {raw!r}") from None
    if value != value:  # NaN
        raise SettingError(f"{name} must be a number, not {raw!r}")
    _check_range(name, value, minimum, maximum)
    return value


def env_bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    """``name`` as true/false (also 1/0, yes/no, on/off; any case); ``default`` when unset or empty."""
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in ("true", "1", "yes", "on"):
        return True
    if raw in ("false", "0", "no", "off"):
        return False
    raise SettingError(f"{name} must be true or false, not {raw!r}")


def env_list(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    """``name`` as a comma-separated list, blanks around items and empty items dropped; () when unset."""
    return tuple(item.strip() for item in env.get(name, "").split(",") if item.strip())


def env_tokens(env: Mapping[str, str], name: str, *, required: bool) -> tuple[str, ...]:
    """Bearer tokens from ``name``: comma-separated, so that a new token can be accepted next to the old one while
    clients move over (the first is the one a client sends). Each at least MIN_TOKEN_CHARS characters of visible
    ASCII (what an HTTP header carries unchanged). The values never appear in the error."""
    tokens = env_list(env, name)
    if required and not tokens:
        raise SettingError(f"{name} is required (a bearer token; several comma-separated while one rotates)")
    for i, token in enumerate(tokens, 1):
        if len(token) < MIN_TOKEN_CHARS or not (token.isascii() and token.isprintable()) or " " in token:
            raise SettingError(f"{name}: token {i} must be at least {MIN_TOKEN_CHARS} visible ASCII characters "
                               f"without spaces")
    return tokens


def _check_range(name: str, value: float, minimum: float | None, maximum: float | None) -> None:
    if minimum is not None and value < minimum or maximum is not None and value > maximum:
        low = "" if minimum is None else f" >= {minimum}"
        high = "" if maximum is None else f" <= {maximum}"
        raise SettingError(f"{name} must be{low}{' and' if low and high else ''}{high}, not {value}")
