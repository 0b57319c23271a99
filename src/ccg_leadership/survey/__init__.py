"""The two national surveys (2014, 2016): one loaded :class:`~.data.Survey`, and what is computed from it.

``data`` loads and validates the inputs once per file version (``load_survey()``); ``stats`` computes
shares, intervals and tests from a Survey; ``findings`` checks the published findings; ``charts``,
``tables`` and ``explorer`` present them; ``disclosure`` holds the suppression rule; ``reconstruction``
generates the illustrative respondent file.
"""
