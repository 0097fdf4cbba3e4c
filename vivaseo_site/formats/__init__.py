"""Date and time formats per language, read through settings.FORMAT_MODULE_PATH.

One date format per language, never an all-number date (is 12/02/2026 the 2nd of December or
the 12th of February?): templates, emails and the PDF name the format (``DATE_FORMAT``,
``SHORT_DATETIME_FORMAT``, ...) and every name gives the same readable date. Anything not set
here, such as the input formats forms accept, is Django's own for the language.
https://docs.djangoproject.com/en/6.0/topics/i18n/formatting/#creating-custom-format-files
"""
