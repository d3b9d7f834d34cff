"""The demo's API client (load_demo): the provincial Service Centre's and the Department of Justice's
dossiers, every scope, with a key documented in the README. Idempotent, keyed on the client's name."""

from .models import ApiClient, ApiKey, Scope
from .services import create_client, issue_key

DEMO_CLIENT_NAME = "Hệ thống giám sát của tỉnh (demo)"
# Public on purpose, like the demo passwords: load_demo never runs in production.
DEMO_API_KEY = "dvc_demo0001_DemoKeyForTheDossierApiOnlyInTheDemo2026"
DEMO_AGENCIES = ["000.00.01.H43", "000.00.05.H43"]  # Trung tâm Phục vụ hành chính công, Sở Tư pháp


def ensure_demo_client() -> tuple[ApiClient, str]:
    client = ApiClient.objects.filter(name=DEMO_CLIENT_NAME).first()
    if client is None:
        client = create_client(
            name=DEMO_CLIENT_NAME,
            contact="demo@demo.vn",
            agency_codes=DEMO_AGENCIES,
            scopes=list(Scope.values),
            rate_limit_per_minute=120,
        )
    if not ApiKey.objects.filter(client=client, prefix="demo0001").exists():
        issue_key(client=client, label="demo", secret=DEMO_API_KEY)
    return client, DEMO_API_KEY
