"""The interactive API docs (Swagger UI) under the site's strict CSP, with no CDN.

Swagger UI's files come from drf-spectacular-sidecar through our static files;
its start-up script is served from the same URL (`?script`) instead of inline,
so `script-src 'self'` is enough.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularSwaggerSplitView


class ApiDocsView(SpectacularSwaggerSplitView):
    template_name = "api/docs.html"
    title = _("Admin API")
