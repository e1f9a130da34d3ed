"""Receiver: long-polls the FIFO queue and hands each S3 object to the extractor."""
