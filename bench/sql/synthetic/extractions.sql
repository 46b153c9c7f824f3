-- One extraction by extractor $extractor of every document version (of one in $every documents) that has none from
-- it, committed by the load that added the version and extracted $earlier before that load committed (an older
-- extractor version's extraction lies further back).
-- The clean text is a run of $paragraphs paragraphs of the bundled real reports ($pool), starting at a place
-- that depends on the document and its version, so versions differ and text compresses as real text does.
INSERT INTO extractions
WITH pool AS (SELECT $pool::VARCHAR[] AS paragraphs, len($pool) AS size)
SELECT
    v.doc_id,
    v.version,
    $extractor,
    sha256(v.doc_id || '-content-' || v.version),
    printf('%s%d年%s', '地区' || d.s, d.year, ['政府工作报告', '国民经济和社会发展统计公报', '政府工作报告解读'][d.genre + 1]),
    make_timestamptz(d.year, 1 + (hash(v.doc_id) % 3)::BIGINT, 1 + (hash(v.doc_id, 1) % 28)::BIGINT, 9, 0, 0, 'Asia/Shanghai'),
    '地区' || d.s || '人民政府',
    NULL,
    ['政府工作报告', '统计公报', '政策解读'][d.genre + 1],
    array_to_string(
        list_transform(
            range($paragraphs),
            lambda p: pool.paragraphs[1 + ((hash(v.doc_id, v.version) % pool.size)::BIGINT + p) % pool.size]
        ),
        chr(10)
    ),
    v.valid_from - $earlier::INTERVAL,
    v.load_id
FROM document_versions AS v
JOIN synthetic_documents AS d USING (doc_id)
CROSS JOIN pool
WHERE NOT EXISTS (
    FROM extractions AS x
    WHERE x.doc_id = v.doc_id AND x.version = v.version AND x.extractor_version = $extractor
)
  AND hash(v.doc_id) % $every = 0;
