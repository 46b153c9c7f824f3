-- The first hex digits of the doc_ids that the loads $loads (committed since the last snapshot) wrote rows for: a
-- new document, version (which also closes the previous one's valid_to), extraction, section or figure. The parts
-- of the stored views (export_view_part.sql) that hold other documents stay true and are kept; a load that fetched
-- nothing new writes no such row, and every stored view is kept.
SELECT DISTINCT doc_id[1]
FROM (
    SELECT doc_id, load_id FROM documents
    UNION ALL SELECT doc_id, load_id FROM document_versions
    UNION ALL SELECT doc_id, load_id FROM extractions
    UNION ALL SELECT doc_id, load_id FROM sections
    UNION ALL SELECT doc_id, load_id FROM metrics
)
WHERE list_contains($loads, load_id);
