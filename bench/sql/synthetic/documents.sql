-- $documents documents spread round-robin over the $sources sources of loads.sql, each loaded by its source's
-- backfill with its first version. Document i of source s is the (i / sources)-th of that source: its year cycles
-- through 2019–2025 and its kind (0 work report, 1 statistical bulletin, 2 interpretation) every seven documents,
-- so every region has every kind for every year, as a prefecture's portal does.
CREATE TEMP TABLE synthetic_documents AS
SELECT
    i,
    substr(sha256(printf('synthetic-url-%d', i)), 1, 16) AS doc_id,
    i % $sources AS s,
    2019 + (i // $sources) % 7 AS year,
    (i // $sources // 7) % 3 AS genre,
    $committed::TIMESTAMPTZ + to_seconds(i % $sources) AS committed
FROM range($documents) AS r(i);

INSERT INTO documents
SELECT doc_id, printf('http://source%05d.example.gov.cn/art/%d.html', s, i), printf('source%05d', s), committed,
       printf('synthetic-%05d', s)
FROM synthetic_documents;

INSERT INTO document_versions
SELECT doc_id, 1, sha256(doc_id || '-raw-1'), sha256(doc_id || '-content-1'),
       printf('http://source%05d.example.gov.cn/art/%d.html', s, i), NULL, NULL, committed - INTERVAL 5 MINUTE,
       printf('synthetic-%05d.warc.gz', s), i * 20000, 20000, printf('<urn:uuid:%s>', doc_id),
       committed, NULL, printf('synthetic-%05d', s)
FROM synthetic_documents;
