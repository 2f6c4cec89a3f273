"""Cross-origin access: which headers a browser on another origin may send and read.

The web app calls the API on its own origin (``/api``, through CloudFront or the local
web server); this is for other clients, such as an agency's own web tools.
"""

from chalice import CORSConfig

CORS = CORSConfig(
    allow_origin="*",
    allow_headers=["Content-Type", "Idempotency-Key", "If-Match", "If-None-Match",
                   "X-Correlation-Id"],
    expose_headers=["ETag", "Location", "Retry-After", "X-Correlation-Id"],
    max_age=600,
)
