"""Helpers for the executable edition of Storey et al. (2018): data, statistics, figures, widgets.

Import submodules directly (``from ccg_leadership import style``); nothing heavy runs at import time.
"""

__version__ = "0.1.0"
