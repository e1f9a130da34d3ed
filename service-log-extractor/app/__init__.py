"""Log extractor service: streams an S3 object, scans it for error events, hands the summary to storage."""
