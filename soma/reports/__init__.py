"""Report composition, renderers (HTML, PDF, DOCX, XLSX) and redaction by classification."""
