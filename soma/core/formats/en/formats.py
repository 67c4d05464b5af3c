# English: 4 December 2026 · 4 Dec 2026 · 4 December 2026, 14:05 · 4 Dec 2026, 14:05 (day first, 24-hour clock)
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
