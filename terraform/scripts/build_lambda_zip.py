#!/usr/bin/env python3
"""Builds the Lambda deployment zip from terraform/lambda/s3_to_fifo.py.

Deterministic (fixed timestamps and permissions, sorted entries), so the same source gives the same bytes and
terraform's source_code_hash changes only when the code does. Stdlib only; boto3 is in the Lambda runtime.

usage: build_lambda_zip.py [--output PATH]   (default: terraform/build/s3_to_fifo.zip)
"""
from __future__ import annotations

import argparse
import sys
import zipfile
from pathlib import Path

TERRAFORM_DIR = Path(__file__).resolve().parent.parent
SOURCES = [TERRAFORM_DIR / "lambda" / "s3_to_fifo.py"]
DEFAULT_OUTPUT = TERRAFORM_DIR / "build" / "s3_to_fifo.zip"
FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can hold


def build(output: Path, sources: list[Path] = SOURCES) -> Path:
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_name(output.name + ".tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for src in sorted(sources, key=lambda p: p.name):
            info = zipfile.ZipInfo(src.name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o100644 << 16  # regular file, rw-r--r--
            info.create_system = 3  # unix, so the mode above is honoured regardless of the build host
            zf.writestr(info, src.read_bytes())
    tmp.replace(output)  # readers never see a half-written zip
    return output


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help=f"zip to write (default {DEFAULT_OUTPUT})")
    args = parser.parse_args(argv)
    missing = [str(p) for p in SOURCES if not p.is_file()]
    if missing:
        print(f"error: missing source {', '.join(missing)}", file=sys.stderr)
        return 2
    print(build(args.output))
    return 0


if __name__ == "__main__":
    sys.exit(main())
