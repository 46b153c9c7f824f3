-- Whether the loads $loads (committed since the last snapshot) wrote any row the materialised views read: a new
-- document, version (which also closes the previous one's valid_to), extraction, section or figure. A load that
-- fetched nothing new writes none, and the last snapshot's materialised views stay true.
SELECT EXISTS (FROM documents WHERE list_contains($loads, load_id))
    OR EXISTS (FROM document_versions WHERE list_contains($loads, load_id))
    OR EXISTS (FROM extractions WHERE list_contains($loads, load_id))
    OR EXISTS (FROM sections WHERE list_contains($loads, load_id))
    OR EXISTS (FROM metrics WHERE list_contains($loads, load_id));
