"""Settings of the load benchmark's server: the portal's own, plus one bare view.

`bench/load_bench.py` runs gunicorn with DJANGO_SETTINGS_MODULE=bench.settings_bench so the
bare view it measures against goes through the same middleware, and production URLs stay clean.
"""

from portal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls_bench"
