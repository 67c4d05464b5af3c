# French: 4 décembre 2026 · 4 décembre 2026, 14:05. The month by name in both lengths: Django's short month
# ("M") would write "Déc", which is not how French abbreviates it.
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATETIME_FORMAT = "j F Y, H:i"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
