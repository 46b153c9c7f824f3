"""The network layer: polite, safe, fault-tolerant HTTP fetching with every response archived as WARC."""

from ingest.fetch.archive import ArchivedResponse, WarcArchive, WarcRef, read_record
from ingest.fetch.client import Fetcher, FetchResult, Validators

__all__ = ["ArchivedResponse", "FetchResult", "Fetcher", "Validators", "WarcArchive", "WarcRef", "read_record"]
