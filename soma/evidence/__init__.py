"""Sources, documents, reliability grading and citations."""
