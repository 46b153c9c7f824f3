"""Every stated figure of a report as a typed row that points back to its sentence.

``extract_metrics(text, sections)`` returns one ``ingest.model.Metric`` per figure; ``Vocabulary.load()``
reads the indicator vocabulary (``ingest/data/indicators.csv``) the figures' names are matched against.
"""

from ingest.metrics.extract import extract_metrics
from ingest.metrics.vocabulary import Indicator, Vocabulary

__all__ = ["Indicator", "Vocabulary", "extract_metrics"]
