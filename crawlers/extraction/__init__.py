"""Article extraction: trafilatura plus the rules news pages need.

Public API (the contract in docs/DESIGN "Extraction function")::

    from crawlers.extraction import extract, ExtractedArticle, ExtractionError
    article = extract(html_bytes_or_text, url, content_type=None)

Importable without Scrapy, Airflow, a database or the network.
"""

from crawlers.extraction.pipeline import EXTRACTOR_VERSION, extract
from crawlers.extraction.record import ExtractedArticle, ExtractionError

__all__ = ["EXTRACTOR_VERSION", "ExtractedArticle", "ExtractionError", "extract"]
