"""Opens an S3 object as a stream: the body is read chunk by chunk by the scanner, never whole."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, BinaryIO

from botocore.exceptions import BotoCoreError, ClientError

# Error codes meaning "this object version will never be readable": retrying cannot help.
_MISSING = {"NoSuchKey", "NoSuchBucket", "NoSuchVersion", "404"}
_FORBIDDEN = {"AccessDenied", "403", "InvalidObjectState"}


class ObjectUnavailable(Exception):
    """The object cannot be read; `status` is the HTTP status the extractor answers with."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class S3Object:
    bucket: str
    key: str
    body: BinaryIO
    etag: str | None
    version_id: str | None
    size: int | None
    last_modified: datetime | None = None   # aware; the year of log timestamps without one (app.event_time)

    def identity(self) -> dict[str, Any]:
        """The fields that tell storage which object version a summary describes."""
        return {"bucket": self.bucket, "key": self.key, "etag": self.etag,
                "version_id": self.version_id, "size": self.size}


def open_object(s3, bucket: str, key: str, version_id: str | None = None) -> S3Object:
    kwargs = {"Bucket": bucket, "Key": key}
    if version_id:
        kwargs["VersionId"] = version_id
    try:
        resp = s3.get_object(**kwargs)
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        if code in _MISSING:
            raise ObjectUnavailable(404, f"object not found: s3://{bucket}/{key} ({code})") from exc
        if code in _FORBIDDEN:
            raise ObjectUnavailable(403, f"object not readable: s3://{bucket}/{key} ({code})") from exc
        raise ObjectUnavailable(503, f"S3 error reading s3://{bucket}/{key}: {code}") from exc
    except BotoCoreError as exc:  # endpoint unreachable, timeouts (after botocore's own retries)
        raise ObjectUnavailable(503, f"S3 unreachable reading s3://{bucket}/{key}: {exc}") from exc
    etag = (resp.get("ETag") or "").strip('"') or None
    return S3Object(bucket=bucket, key=key, body=resp["Body"], etag=etag,
                    version_id=resp.get("VersionId"), size=resp.get("ContentLength"),
                    last_modified=resp.get("LastModified"))
