-- The crawl memory of the sources $sources: every article URL each has loaded so far, with validators for
-- conditional requests. URLs whose last fetch failed are absent, so the next run fetches them again.
SELECT source, url, etag, last_modified
FROM url_state
WHERE list_contains($sources::VARCHAR[], source);
