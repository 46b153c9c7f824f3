-- The text of the top-level sections of the government work reports.
SELECT document_title, heading, text FROM sections_current WHERE document_title LIKE '%政府工作报告%' AND level = 1;
