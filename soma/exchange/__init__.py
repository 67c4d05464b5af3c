"""JSON bundle export and import, XLSForm out and submissions in."""
