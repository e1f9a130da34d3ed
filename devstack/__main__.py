"""python -m devstack {up|down|demo|status}: the local stack behind `make up`, `make down` and `make demo`."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import demo
from .stack import Settings, Stack


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devstack", description=__doc__)
    parser.add_argument("command", choices=["up", "down", "demo", "status"])
    args = parser.parse_args(argv)
    # DEVSTACK_STATE_DIR lets a second stack (e.g. the tests') run beside the one in .local/.
    state_dir = os.environ.get("DEVSTACK_STATE_DIR")
    stack = Stack(Settings(state_dir=Path(state_dir)) if state_dir else None)
    if args.command == "up":
        try:
            env = stack.up()
        except RuntimeError as exc:
            print(f"make up failed: {exc}", file=sys.stderr)
            return 1
        print(f"local stack is up; settings in {stack.env_file}:")
        # the service tokens stay in that file (mode 0600), not in a terminal's or CI log's scrollback
        print("".join(f"  {k}={'<in the file>' if k.endswith('_TOKEN') else v}\n" for k, v in env.items()), end="")
        return 0
    if args.command == "down":
        stopped = stack.down()
        print("stopped: " + (", ".join(stopped) if stopped else "nothing was running"))
        return 0
    if args.command == "status":
        for proc in stack.recorded():
            print(f"{proc.name:14} pid {proc.pid:<8} {'running' if proc.alive() else 'stopped'}  log {proc.log}")
        return 0 if stack.running() else 1
    return demo.run(stack)


if __name__ == "__main__":
    sys.exit(main())
