"""Ingest: read files, feeds and pages; normalize; drop exact and link near duplicates; store."""

from prism.ingest.pipeline import ingest
from prism.ingest.readers import AUTO, readers

__all__ = ["AUTO", "ingest", "readers"]
