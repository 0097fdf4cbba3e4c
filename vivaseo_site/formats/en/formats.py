"""English: 2 December 2026, 14:05 (the NL formats say the same thing in Dutch)."""

DATE_FORMAT = "j F Y"  # 2 December 2026
TIME_FORMAT = "H:i"  # 14:05
DATETIME_FORMAT = f"{DATE_FORMAT}, {TIME_FORMAT}"  # 2 December 2026, 14:05
# The short names give the same: one date format, however a template asks for it.
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
YEAR_MONTH_FORMAT = "F Y"  # December 2026
MONTH_DAY_FORMAT = "j F"  # 2 December
