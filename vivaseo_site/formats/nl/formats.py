"""Dutch: 2 december 2026, 14:05 (month names come lower case from Django's translations)."""

DATE_FORMAT = "j F Y"  # 2 december 2026
TIME_FORMAT = "H:i"  # 14:05, the 24-hour clock
DATETIME_FORMAT = f"{DATE_FORMAT}, {TIME_FORMAT}"  # 2 december 2026, 14:05
# The short names give the same: Django's own short Dutch date (2-12-2026) is all numbers.
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
YEAR_MONTH_FORMAT = "F Y"  # december 2026
MONTH_DAY_FORMAT = "j F"  # 2 december
