-- The documents one load changed (gave a version after their first), with the version it added: the diffs its
-- artifact shows.
SELECT doc_id, version
FROM document_versions
WHERE load_id = $load_id AND version > 1
ORDER BY doc_id;
