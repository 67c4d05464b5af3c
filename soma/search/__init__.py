"""Indexing and querying of catalog and assessment content."""
