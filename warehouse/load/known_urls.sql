-- The crawl memory of one source: every article URL loaded so far, with validators for conditional requests.
-- URLs whose last fetch failed are absent, so the next run fetches them again.
SELECT url, etag, last_modified
FROM url_state
WHERE source = $source;
