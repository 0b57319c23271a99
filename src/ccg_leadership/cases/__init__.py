"""The case studies (chapters 4 and 5): records, the tables and charts computed from them, and pages.

``records`` loads and validates the case records once per file version (``load_cases()``); ``tables``
and ``charts`` are plain functions of them; ``pages`` renders one page per record.
"""
