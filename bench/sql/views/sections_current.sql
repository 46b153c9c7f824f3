-- The text of the top-level sections of one government work report (warehouse/README.md).
SELECT heading, text FROM sections_current
WHERE doc_id = (SELECT min(doc_id) FROM documents_current WHERE title LIKE '%政府工作报告%') AND level = 1
ORDER BY ordinal;
