"""A realistic local copy of a prefecture government website, served over real HTTP on loopback.

Two CMS templates: ``"trs"`` (延边朝鲜族自治州人民政府, a TRS-style portal holding both seed documents and the
national reports) and ``"second"`` (a provincial site-group portal with other URL, list and pagination
conventions). Faults are switchable at runtime for tests of the fetching layer; the live sites are never needed.
"""

from ingest.demo_site.content import default_articles, split_paragraphs
from ingest.demo_site.faults import Fault, FaultKind, Faults
from ingest.demo_site.model import (
    DemoArticle,
    DemoColumn,
    DemoSiteError,
    Paragraph,
    RelatedLink,
    Template,
)
from ingest.demo_site.render import list_page_path, render_article, render_list
from ingest.demo_site.server import DemoSite, RequestRecord, describe, serve_forever

__all__ = [
    "DemoArticle",
    "DemoColumn",
    "DemoSite",
    "DemoSiteError",
    "Fault",
    "FaultKind",
    "Faults",
    "Paragraph",
    "RelatedLink",
    "RequestRecord",
    "Template",
    "default_articles",
    "describe",
    "list_page_path",
    "render_article",
    "render_list",
    "serve_forever",
    "split_paragraphs",
]
