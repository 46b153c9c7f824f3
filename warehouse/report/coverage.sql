-- Which documents the warehouse holds per region and year of publication (the view document_regions, which the
-- public view coverage counts), narrowed by $region.
SELECT region, year, title, url, published_at, source
FROM document_regions
WHERE $region IS NULL OR region = $region
ORDER BY region, year, published_at, url;
