"""SOMA's own date formats, one per language (settings.FORMAT_MODULE_PATH): a date is written day, month name,
year ("4 December 2026", "4 décembre 2026"), never as digits that read differently in different countries
(12/04/2026). Templates name these formats (`|date:"SHORT_DATETIME_FORMAT"`) or let Django use DATE_FORMAT and
DATETIME_FORMAT; a machine-readable date (`<time datetime>`, the API, exports) stays ISO 8601. What a language
does not set here (input formats, number formats) comes from Django's own locale formats."""
