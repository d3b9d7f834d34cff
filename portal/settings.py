"""Settings for the portal, read from the environment (django-environ).

With nothing set the portal runs on the embedded default: a SQLite file under var/, Celery tasks run
in-process, mail written to files under var/mail. DATABASE_URL and REDIS_URL switch to the production
shape; PORTAL_ENV=production turns on the deploy hardening that `manage.py check --deploy` asks for.
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

PORTAL_ENV = env.str("PORTAL_ENV", default="development")
PRODUCTION = PORTAL_ENV == "production"

if PRODUCTION:
    SECRET_KEY = env.str("SECRET_KEY")  # required: no default in production
else:
    SECRET_KEY = env.str("SECRET_KEY", default="django-insecure-embedded-default-only-for-local-use")
DEBUG = env.bool("DEBUG", default=not PRODUCTION)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
SITE_ID = 1

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "django.forms",  # its widget templates, for FORM_RENDERER below
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.usersessions",  # each account's open sessions, to end the others (accounts:security)
    # The national identity sign-in: allauth's OpenID Connect client, its provider class replaced by the
    # portal's stricter one (SOCIALACCOUNT_PROVIDERS below, accounts/national_identity/).
    "allauth.socialaccount.providers.openid_connect",
    "oauth2_provider",  # the sandbox identity provider's OpenID Provider (identity_sandbox)
    "django_fsm",
    "django_htmx",
    "csp",
    "import_export",
    "pgtrigger",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "common",
    "procedures",
    "notifications",
    "accounts",
    "dossiers",
    "postal",
    "feedback",  # feedback and complaints (PAKN), satisfaction ratings
    "appointments",  # appointments at the desk (in-person steps, collecting results)
    "e_results",  # signed e-results (PAdES) and their public verification page
    "payments",
    "integrations",  # the dossier API for the province's systems (/api/v1/)
    "national_sync",
    "identity_sandbox",
    "national_portal_sandbox",
    "scorecard",  # Decision 766/QĐ-TTg service-quality scorecard
    "privacy",  # personal-data rights (Law 91/2025/QH15): notice, consent, my data, deletion, register
    "portal",
]

MIDDLEWARE = [
    # First: every log line of the request carries its id (common/logging.py); then django-prometheus's
    # timing, which its After middleware, last, completes (portal/metrics.py).
    "common.logging.RequestIdMiddleware",
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "common.metrics.QueryCountMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "portal.middleware.BrowserProtectionMiddleware",  # reads request.user on the way out
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the session is read: no statement of a web request runs past DB_STATEMENT_TIMEOUT_MS, and
    # input PostgreSQL cannot hold (NUL, invalid UTF-8) is refused with a 400 (common/middleware.py).
    "common.middleware.StatementTimeoutMiddleware",
    "common.middleware.RejectMalformedInputMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.middleware.PreferredLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.SessionTimeoutMiddleware",
    "accounts.middleware.StaffTwoFactorMiddleware",
    "privacy.middleware.NewNoticeConsentMiddleware",  # a citizen accepts a new privacy notice first
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.site",
                "notifications.context_processors.inbox",
            ],
            # Django's `date` filter with a shortcut for numeric formats (common/templatetags/dates.py).
            "builtins": ["common.templatetags.dates"],
        },
    },
]
# Form widgets render through TEMPLATES, so templates/django/forms/ can show the portal's wording (a select's
# empty choice says "— Chọn —", not Django's "---------": common/forms.py choice_prompt).
FORM_RENDERER = "common.form_renderer.PortalFormRenderer"  # TemplatesSetting, plain inputs in Python

# --- Database ---------------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}")}
DATABASE_VENDOR = "postgresql" if "postgres" in DATABASES["default"]["ENGINE"] else "sqlite"
# PostgreSQL cancels any statement of a web request that runs longer (answered 503); 0 turns it off. Set per
# request by common.middleware.StatementTimeoutMiddleware, so Celery tasks and migrations are never cut.
DB_STATEMENT_TIMEOUT_MS = env.int("DB_STATEMENT_TIMEOUT_MS", default=5000)
# A streaming replica of the primary, for the reads that tolerate its lag (common/replica.py says which);
# empty: every query goes to the primary.
DATABASE_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = env.db_url_config(DATABASE_REPLICA_URL)
    if DATABASE_VENDOR != "postgresql" or "postgres" not in DATABASES["replica"]["ENGINE"]:
        raise ImproperlyConfigured("DATABASE_REPLICA_URL needs PostgreSQL, for it and for DATABASE_URL")
DATABASE_ROUTERS = ["common.replica.ReplicaRouter"]


def _postgresql(database: dict, *settings: str) -> None:
    """Engine, connection pool and session settings (`-c name=value`, after any given in the URL)."""
    database["ENGINE"] = "django.db.backends.postgresql"
    options = database.setdefault("OPTIONS", {})
    given = options.get("options", "")
    options["options"] = " ".join([given, *(f"-c {setting}" for setting in settings)]).strip()
    if env.bool("DATABASE_PREPARED_STATEMENTS", default=True):
        # Parameters sent apart from the query, and a query run 5 times on a connection prepared there: its
        # plan is kept (the ten-table dossier read planned once per connection, not per page; README
        # "PostgreSQL settings"). Off behind a pooler that cannot carry prepared statements.
        options["server_side_binding"] = True
        options["prepare_threshold"] = 5
    if env.bool("DATABASE_POOL", default=True):
        # psycopg 3's pool, managed by Django (5.1+); incompatible with persistent connections.
        database["CONN_MAX_AGE"] = 0
        options["pool"] = {
            "min_size": env.int("DATABASE_POOL_MIN", default=2),
            "max_size": env.int("DATABASE_POOL_MAX", default=20),
            "timeout": 10,
        }


if DATABASE_VENDOR == "postgresql":
    # The portal's queries are short (an index lookup, a page of a queue, a count): compiling their plans to
    # machine code cost more than running them (45 ms of an 82 ms tab count), so JIT is off. A dossier read
    # with its procedure, agencies and people joins ten tables: searching every join order took 5.5-6 ms of
    # planning for a 0.5 ms read; at join_collapse_limit 4 it is 1.35 ms (README "PostgreSQL settings").
    session_settings = ("jit=off", "join_collapse_limit=4")
    _postgresql(DATABASES["default"], *session_settings)
    if "replica" in DATABASES:
        # Only views read from the replica (common/replica.py), and StatementTimeoutMiddleware sets the web
        # requests' limit on the primary's connection only: here it is the connection's own.
        timeout = [f"statement_timeout={DB_STATEMENT_TIMEOUT_MS}"] if DB_STATEMENT_TIMEOUT_MS else []
        _postgresql(DATABASES["replica"], *session_settings, *timeout)
else:
    VAR_DIR.mkdir(exist_ok=True)
    # WAL lets the web process read while a task writes; a busy timeout instead of "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, Celery ------------------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    # Redis down is "degraded", never an error: each process serves from its own memory for a while, then
    # tries Redis again (common/cache.py). Short socket timeouts so an unreachable host cannot hold a request.
    CACHES = {
        "default": {
            "BACKEND": "common.cache.FallbackRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "FALLBACK_SECONDS": env.float("CACHE_FALLBACK_SECONDS", default=30.0),
                "socket_connect_timeout": env.float("CACHE_SOCKET_TIMEOUT", default=1.0),
                "socket_timeout": env.float("CACHE_SOCKET_TIMEOUT", default=1.0),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The layout's fragments that only the code, the language and the user's role decide (templates/base.html):
# each process renders them once and keeps them in its own memory; a deploy restarts the processes.
CACHES["layout"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "layout"}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TIMEZONE = "Asia/Ho_Chi_Minh"
# One worker command consumes every queue (PORTAL_QUEUES): celery -A portal worker -Q <them, comma-separated>
CELERY_TASK_ROUTES = {
    "notifications.tasks.*": {"queue": "notifications"},
    "postal.tasks.*": {"queue": "postal"},
    "national_sync.tasks.*": {"queue": "national_sync"},
}
# What the worker must consume (tested against the Makefile and docker-compose.yml).
PORTAL_QUEUES = ["default", "notifications", "postal", "national_sync"]
# A broker that is down must not hold a web request for long: the outbox and its sweeper cover the rest.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": env.int("CELERY_PUBLISH_RETRIES", default=1),
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# A task running when the broker connection drops finishes its work (and its database record); the broker
# may deliver it again, which the tasks' guards turn into a no-op.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
CELERY_BEAT_SCHEDULE = {
    "notifications-sweep": {
        "task": "notifications.tasks.sweep_notifications",
        "schedule": env.float("NOTIFICATIONS_SWEEP_INTERVAL_SECONDS", default=60.0),
        "options": {"expires": 50},
    },
    "dossiers-due-reminders": {
        "task": "dossiers.tasks.send_due_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
    "dossiers-forget-old-lookup-misses": {
        "task": "dossiers.tasks.forget_old_lookup_misses",
        "schedule": 3600.0,
        "options": {"expires": 3000},
    },
    "dossiers-expire-authorisations": {
        "task": "dossiers.tasks.expire_authorisations",
        "schedule": 3600.0,
        "options": {"expires": 3000},
    },
    "payments-query-stale-attempts": {
        "task": "payments.tasks.query_stale_attempts",
        "schedule": 300.0,
        "options": {"expires": 240},
    },
    "payments-resend-stalled-refunds": {
        "task": "payments.tasks.resend_stalled_refunds",
        "schedule": 600.0,
        "options": {"expires": 540},
    },
    "payments-daily-reconciliation": {
        "task": "payments.tasks.reconcile_previous_day",
        "schedule": crontab(hour=1, minute=30),
    },
    # The scorecard's daily rows: today and yesterday every 30 minutes; at night the last
    # SCORECARD_NIGHTLY_DAYS days again, so answers and payments that came late are counted.
    "scorecard-refresh-recent": {
        "task": "scorecard.tasks.refresh_recent_figures",
        "schedule": 1800.0,
        "options": {"expires": 1500},
    },
    "scorecard-refresh-nightly": {
        "task": "scorecard.tasks.refresh_figures_nightly",
        "schedule": crontab(hour=2, minute=15),
    },
    # The sign-in history past SIGN_IN_HISTORY_DAYS, expired sessions and the open-session rows of ended ones.
    "accounts-forget-old-sign-ins": {
        "task": "accounts.tasks.forget_old_sign_ins_and_ended_sessions",
        "schedule": crontab(hour=3, minute=10),
    },
    # Closed dossiers past their retention period: minimised and their files moved to STORAGES["archive"].
    "dossiers-archive-expired": {
        "task": "dossiers.tasks.archive_expired_dossiers",
        "schedule": crontab(hour=3, minute=30),
    },
}
SCORECARD_NIGHTLY_DAYS = env.int("SCORECARD_NIGHTLY_DAYS", default=35)

# --- Auth, accounts -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "accounts.backends.LockoutAwareAuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
# Staff who work for an agency start at their work: the back office sends them to their busiest queue.
STAFF_LOGIN_REDIRECT_URL = "staff:start"
LOGOUT_REDIRECT_URL = "home"

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Cổng DVC] "
ACCOUNT_FORMS = {"login": "accounts.forms.PortalLoginForm", "signup": "accounts.forms.PortalSignupForm"}
ACCOUNT_ADAPTER = "accounts.adapters.PortalAccountAdapter"
# allauth's own cache-based limits stay on as a second line; the account lock is in the database. allauth
# merges this dict into its defaults, and a key given here replaces allauth's whole rule for it: keep its
# per-account part ("5/300s/key": five failures per account — email, or the user at the code step — in five
# minutes) beside the looser per-address part (a service centre's desks share one address).
ACCOUNT_RATE_LIMITS = {"login_failed": "20/m/ip,5/300s/key", "login": "30/m/ip"}
MFA_ADAPTER = "accounts.adapters.PortalMFAAdapter"
# The code step refuses a locked account and each wrong code counts toward the lock (accounts/forms.py).
MFA_FORMS = {
    "authenticate": "accounts.forms.PortalMFAAuthenticateForm",
    "reauthenticate": "accounts.forms.PortalMFAReauthenticateForm",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Cong DVC"

# --- National identity sign-in (VNeID through the national public-service portal) ---------------------------
# An OpenID Connect client (allauth's openid_connect with accounts.national_identity's checks: state, nonce,
# PKCE S256, ID token signature/issuer/audience/expiry). NATIONAL_IDENTITY_ISSUER empty: the portal's own
# sandbox provider (identity_sandbox) at SITE_URL/identity-sandbox, with demo persons instead of passwords.
NATIONAL_IDENTITY_ISSUER = env.str("NATIONAL_IDENTITY_ISSUER", default="").rstrip("/")
IDENTITY_SANDBOX = not NATIONAL_IDENTITY_ISSUER
IDENTITY_SANDBOX_PATH = "identity-sandbox"
NATIONAL_IDENTITY = {
    "provider_id": "vneid",
    "name": env.str("NATIONAL_IDENTITY_NAME", default="VNeID"),
    "issuer": NATIONAL_IDENTITY_ISSUER or f"{SITE_URL}/{IDENTITY_SANDBOX_PATH}",
    "client_id": env.str("NATIONAL_IDENTITY_CLIENT_ID", default="" if NATIONAL_IDENTITY_ISSUER else "portal"),
    "secret": env.str(
        "NATIONAL_IDENTITY_CLIENT_SECRET",
        default="" if NATIONAL_IDENTITY_ISSUER or PRODUCTION else "embedded-sandbox-identity-secret",
    ),
    # The only algorithms an ID token may be signed with (never "none", never an HMAC of a public key).
    "algorithms": env.list("NATIONAL_IDENTITY_ALGORITHMS", default=["RS256"]),
    "scope": env.list("NATIONAL_IDENTITY_SCOPE", default=["openid"]),
    # acr_values asked for; the LoA of a sign-in is read from the claim below (or the ID token's acr).
    "acr_values": env.str("NATIONAL_IDENTITY_ACR_VALUES", default="LoA2"),
    "loa_values": {
        env.str("NATIONAL_IDENTITY_ACR_LOA1", default="LoA1"): 1,
        env.str("NATIONAL_IDENTITY_ACR_LOA2", default="LoA2"): 2,
        "1": 1,
        "2": 2,
    },
    "leeway_seconds": env.int("NATIONAL_IDENTITY_LEEWAY_SECONDS", default=60),
    # The claims mapping: the portal's field -> the claim's name in userinfo / the ID token.
    "claims": {
        field: env.str(f"NATIONAL_IDENTITY_CLAIM_{field.upper()}", default=claim)
        for field, claim in {
            "account_type": "LoaiTaiKhoan",
            "personal_id": "SoDinhDanh",
            "full_name": "HoVaTen",
            "date_of_birth": "NgayThangNamSinh",
            "gender": "GioiTinh",
            "phone": "SoDienThoai",
            "email": "ThuDienTu",
            "address": "ThuongTru",
            "tax_code": "MaSoThue",
            "enterprise_code": "MaSoDoanhNghiep",
            "organisation_name": "TenDoanhNghiep",
            "loa": "loAs",
            "ial": "IAL",
        }.items()
    },
    "date_format": env.str("NATIONAL_IDENTITY_DATE_FORMAT", default="%Y%m%d"),
}
if NATIONAL_IDENTITY_ISSUER and not (NATIONAL_IDENTITY["client_id"] and NATIONAL_IDENTITY["secret"]):
    raise ImproperlyConfigured(
        "NATIONAL_IDENTITY_ISSUER needs NATIONAL_IDENTITY_CLIENT_ID and NATIONAL_IDENTITY_CLIENT_SECRET"
    )
SOCIALACCOUNT_ADAPTER = "accounts.adapters.PortalSocialAccountAdapter"
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "provider_class": "accounts.national_identity.provider.NationalIdentityProvider",
        "OAUTH_PKCE_ENABLED": True,
        "APPS": [
            {
                "provider_id": NATIONAL_IDENTITY["provider_id"],
                "name": NATIONAL_IDENTITY["name"],
                "client_id": NATIONAL_IDENTITY["client_id"],
                "secret": NATIONAL_IDENTITY["secret"],
                "settings": {
                    "server_url": NATIONAL_IDENTITY["issuer"],
                    "token_auth_method": env.str(
                        "NATIONAL_IDENTITY_TOKEN_AUTH_METHOD", default="client_secret_post"
                    ),
                    "oauth_pkce_enabled": True,
                },
            }
        ],
    }
}
SOCIALACCOUNT_REQUESTS_TIMEOUT = env.float("NATIONAL_IDENTITY_TIMEOUT_SECONDS", default=10.0)
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_REQUIRED = False
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # never match an account by its email
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = False
SOCIALACCOUNT_QUERY_EMAIL = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_LOGIN_ON_GET = False  # the sign-in starts with a POST (CSRF), not a link anyone can embed
# The sandbox provider (django-oauth-toolkit): RS256 key under var/ (identity_sandbox.keys), issuer fixed to
# SITE_URL so the client checks the same issuer whatever host a request came to.
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_ISS_ENDPOINT": f"{SITE_URL}/{IDENTITY_SANDBOX_PATH}",
    "OIDC_RSA_PRIVATE_KEY": "",  # read from var/ at start (identity_sandbox.apps)
    "PKCE_REQUIRED": True,
    # openid: the sandbox identity provider; dossiers:*: the dossier API's clients
    # (integrations.models.Scope), each application offered only its own (integrations.scopes).
    "SCOPES": {
        "openid": "OpenID Connect",
        "dossiers:read": "Read dossiers",
        "dossiers:documents": "Download dossier documents",
        "dossiers:counts": "Count dossiers by state",
    },
    "SCOPES_BACKEND_CLASS": "integrations.scopes.PortalScopes",
    "DEFAULT_SCOPES": ["openid"],
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "ACCESS_TOKEN_EXPIRE_SECONDS": 300,
    "ID_TOKEN_EXPIRE_SECONDS": 300,
    "OAUTH2_VALIDATOR_CLASS": "identity_sandbox.validators.SandboxValidator",
    # RFC 9700: https redirect URIs only in production (the embedded default serves plain http on 127.0.0.1);
    # no refresh tokens are issued, and a replayed one would revoke its family.
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"] if PRODUCTION else ["http", "https"],
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    # The OAuth 2.0 Security BCP's behaviour now, before django-oauth-toolkit 4.0 makes it the default: no
    # implicit or password grant, PKCE S256 only, tokens only in headers, `iss` in the authorization
    # response, tokens stored hashed.
    **{
        f"COMPLIANT_BCP_RFC9700_{rule}": True
        for rule in (
            "IMPLICIT_GRANT",
            "PASSWORD_GRANT",
            "PKCE_METHOD",
            "ACCESS_TOKEN_TRANSPORT",
            "AUTHZ_RESPONSE_ISS",
            "TOKEN_STORAGE",
        )
    },
}
# Named so a migration can point at it (integrations.ApiClient.application); django-oauth-toolkit's default.
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
IDENTITY_SANDBOX_KEY_FILE = env.str(
    "IDENTITY_SANDBOX_KEY_FILE", default=str(VAR_DIR / "identity_sandbox_rsa.pem")
)

# Account lock after repeated failures; session limits (citizens idle 15 min, everyone at most 12 h).
LOGIN_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=10)
LOGIN_LOCK_DURATION = timedelta(minutes=env.int("LOGIN_LOCK_MINUTES", default=60))
# The account's sign-in history (accounts.SignIn, shown to its owner): kept this many days, then deleted.
SIGN_IN_HISTORY_DAYS = env.int("SIGN_IN_HISTORY_DAYS", default=180)
if SIGN_IN_HISTORY_DAYS < 1:
    raise ImproperlyConfigured("SIGN_IN_HISTORY_DAYS must be at least 1.")
# A citizen's phone is confirmed by a code sent by SMS (accounts.services.send_phone_code): valid this long,
# this many wrong tries, a new code no sooner than this after the last and at most this many a day.
PHONE_CODE_VALID_MINUTES = env.int("PHONE_CODE_VALID_MINUTES", default=10)
PHONE_CODE_MAX_ATTEMPTS = env.int("PHONE_CODE_MAX_ATTEMPTS", default=5)
PHONE_CODE_RESEND_SECONDS = env.int("PHONE_CODE_RESEND_SECONDS", default=60)
PHONE_CODE_MAX_PER_DAY = env.int("PHONE_CODE_MAX_PER_DAY", default=5)
# Feedback (PAKN): the agency answers within this many working days; extra offensive phrases (comma-separated)
# add to feedback/moderation.py's list. Satisfaction: how long a rating link works, and how many ratings an
# agency needs in a period before its staff see the comments (so that none points at its author).
FEEDBACK_ANSWER_WORKING_DAYS = env.int("FEEDBACK_ANSWER_WORKING_DAYS", default=10)
FEEDBACK_OFFENSIVE_PHRASES = env.list("FEEDBACK_OFFENSIVE_PHRASES", default=[])
SATISFACTION_LINK_DAYS = env.int("SATISFACTION_LINK_DAYS", default=30)
SATISFACTION_MIN_RATINGS_SHOWN = env.int("SATISFACTION_MIN_RATINGS_SHOWN", default=5)

# --- E-results (e_results/): PAdES B-LT signatures of the result PDFs -------------------------------------
# Each agency signs with its PKCS#12 <E_RESULTS_PKCS12_DIR>/agency-<agency code>.p12; passphrases from
# E_RESULTS_PKCS12_PASSPHRASES ("<code>=<passphrase>,*=<default>"). Empty TSA URL / trust roots: the sandbox
# PKI under E_RESULTS_PKI_DIR (made by `setup_sandbox_pki`, which load_demo runs) and its in-process TSA.
E_RESULTS_PKI_DIR = env.str("E_RESULTS_PKI_DIR", default=str(VAR_DIR / "e_results_pki"))
E_RESULTS_PKCS12_DIR = env.str("E_RESULTS_PKCS12_DIR", default="")
E_RESULTS_PKCS12_PASSPHRASES = env.dict("E_RESULTS_PKCS12_PASSPHRASES", default={"*": "sandbox"})
E_RESULTS_TSA_URL = env.str("E_RESULTS_TSA_URL", default="")
E_RESULTS_TRUST_ROOTS = env.list("E_RESULTS_TRUST_ROOTS", default=[])
E_RESULTS_SYSTEM_NAME = env.str("E_RESULTS_SYSTEM_NAME", default="Cổng Dịch vụ công tỉnh Ninh Bình")
E_RESULTS_MAX_UPLOAD_BYTES = env.int("E_RESULTS_MAX_UPLOAD_BYTES", default=20 * 1024 * 1024)
E_RESULTS_UPLOADS_PER_ADDRESS = env.int("E_RESULTS_UPLOADS_PER_ADDRESS", default=20)  # per 10 minutes
CELERY_BEAT_SCHEDULE["e-results-sign-sweep"] = {
    "task": "e_results.tasks.sweep_unsigned",
    "schedule": 60.0,
    "options": {"expires": 50},
}
SESSION_IDLE_TIMEOUT_CITIZEN = timedelta(minutes=env.int("SESSION_IDLE_MINUTES_CITIZEN", default=15))
SESSION_IDLE_TIMEOUT_STAFF = timedelta(minutes=env.int("SESSION_IDLE_MINUTES_STAFF", default=30))
SESSION_MAX_AGE = timedelta(hours=env.int("SESSION_MAX_HOURS", default=12))
SESSION_WARNING_BEFORE = timedelta(minutes=2)
# Simple mode (accounts.simple_mode): at least 30 idle minutes, and the warning comes 5 minutes ahead.
SESSION_IDLE_TIMEOUT_SIMPLE = timedelta(minutes=max(30, env.int("SESSION_IDLE_MINUTES_SIMPLE", default=30)))
SESSION_WARNING_BEFORE_SIMPLE = timedelta(minutes=5)
# Django's database sessions, read by one SQL statement, not a query built per request (accounts/sessions.py).
SESSION_ENGINE = "accounts.sessions"
SESSION_COOKIE_AGE = int(SESSION_MAX_AGE.total_seconds())
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- Email ----------------------------------------------------------------------------------------------
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Cổng dịch vụ công <no-reply@dichvucong.example>")

# --- I18n ------------------------------------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
# The first catalogue holding a msgid wins: the portal's own (locale/, written by makemessages), then the
# hand-maintained Vietnamese of allauth (locale_allauth/) and of the other dependencies (locale_dependencies/:
# django-import-export, Django's strings its catalogue lacks or words with "bạn"), then the apps' own.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_allauth", BASE_DIR / "locale_dependencies"]
USE_I18N = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True
LANGUAGE_COOKIE_NAME = "portal_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Static and media ------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.str("STATIC_ROOT", default=str(VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env.str("MEDIA_ROOT", default=str(VAR_DIR / "media"))
MEDIA_URL = "/media/"  # never served publicly: files go out through views that check access
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
    # Where archiving moves the files of dossiers past their retention period (dossiers/services/
    # retention.py): a folder beside MEDIA_ROOT by default; in production any Django storage by
    # configuration, e.g. ARCHIVE_STORAGE_BACKEND=storages.backends.s3.S3Storage with ARCHIVE_STORAGE_OPTIONS
    # (JSON) naming an S3-compatible bucket. Back it up as MEDIA_ROOT is.
    "archive": {
        "BACKEND": env.str("ARCHIVE_STORAGE_BACKEND", default="django.core.files.storage.FileSystemStorage"),
        "OPTIONS": env.json(
            "ARCHIVE_STORAGE_OPTIONS",
            default={"location": env.str("ARCHIVE_ROOT", default=str(Path(MEDIA_ROOT).parent / "archive"))},
        ),
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION  # development serves assets without collectstatic
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- API -----------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # The API is the public catalogue, read-only: it identifies nobody. DRF's default Basic authentication
    # would check a staff password without the second factor (and outside the sign-in form's limits).
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "common.pagination.PageNumbers",
    "PAGE_SIZE": 20,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Cổng dịch vụ công API",
    "VERSION": "1.0.0",
    # Served by the app itself: the portal must run air-gapped, with no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "common.openapi.text_parameters_hold_no_nul",
    ],
}

# --- Catalogue -------------------------------------------------------------------------------------------
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
FULL_PROCESS_TARGETS = {2023: 80, 2025: 95}
# Four eyes: whoever drafted or submitted a catalogue version may not publish it; a second reviewer must.
CATALOGUE_FOUR_EYES = env.bool("CATALOGUE_FOUR_EYES", default=True)
# The level of assurance of the sign-in a new catalogue entry needs to be filed online, until the editor
# sets it: 0 any account (a local password too), 1 VNeID level 1, 2 VNeID level 2 (identity verified in
# person). Each procedure version carries its own (ProcedureVersion.required_loa).
CATALOGUE_DEFAULT_REQUIRED_LOA = env.int("CATALOGUE_DEFAULT_REQUIRED_LOA", default=0)
if CATALOGUE_DEFAULT_REQUIRED_LOA not in (0, 1, 2):
    raise ImproperlyConfigured("CATALOGUE_DEFAULT_REQUIRED_LOA must be 0, 1 or 2.")

# --- Security ----------------------------------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Proxies of our own in front of the app (the load balancer: 1). Each appends to X-Forwarded-For the address
# it received from; common.http.client_ip takes the entry this many hops from the right as the client's
# address (rate limits, the lookup's counter, the payer's IP). 0: REMOTE_ADDR, the header is ignored.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# Browser features no page of the portal uses (portal.middleware.BrowserProtectionMiddleware).
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), "
    "magnetometer=(), microphone=(), midi=(), payment=(), publickey-credentials-get=(), usb=(), "
    "screen-wake-lock=(), xr-spatial-tracking=()"
)
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]  # probes and scrapes inside the private network
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# --- Logs, metrics, error reporting (README, "Monitoring") ------------------------------------------------
# LOG_FORMAT "json": one JSON object a line (time, level, logger, message, request_id, user_id), the default
# in production; "text": a readable line, the embedded default's. Either way personal ID numbers, phone
# numbers and emails are masked (common/logging.py), whatever logger wrote them.
LOG_FORMAT = env.str("LOG_FORMAT", default="json" if PRODUCTION else "text")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured("LOG_FORMAT must be 'json' or 'text'.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "text": {
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s user=%(user_id)s] %(message)s"
        },
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(levelname)s %(name)s %(message)s %(request_id)s %(user_id)s",
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": "time",
        },
    },
    "filters": {
        "request_context": {
            "()": "common.logging.RequestContextFilter",
            "missing": None if LOG_FORMAT == "json" else "-",
        },
        "mask_personal_data": {"()": "common.logging.MaskingFilter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_context", "mask_personal_data"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
# /metrics answers a bearer token equal to METRICS_TOKEN (empty: none accepted), or these addresses and
# networks (the client's address as TRUSTED_PROXY_COUNT reads it); anyone else gets a 404.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=["127.0.0.1", "::1"])
# Errors go to Sentry or a self-hosted GlitchTip when SENTRY_DSN is set; off otherwise.
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    from common.sentry import init_sentry

    init_sentry(
        dsn=SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default=PORTAL_ENV),
        release=env.str("SENTRY_RELEASE", default=""),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )

# --- Dossiers ----------------------------------------------------------------------------------------
# Office hours of state agencies (working hours count only inside them; Decree 45/2020's 8 hours).
WORKING_HOURS = [("07:30", "11:30"), ("13:30", "17:00")]
INTAKE_ANSWER_WORKING_HOURS = 8
DOSSIER_UPLOAD_MAX_BYTES = env.int("DOSSIER_UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
# What an uploaded PDF may inflate to (compression bombs): one stream, and all streams together.
DOSSIER_UPLOAD_PDF_MAX_STREAM_BYTES = env.int("DOSSIER_UPLOAD_PDF_MAX_STREAM_BYTES", default=64 * 1024 * 1024)
DOSSIER_UPLOAD_PDF_MAX_INFLATED_BYTES = env.int(
    "DOSSIER_UPLOAD_PDF_MAX_INFLATED_BYTES", default=256 * 1024 * 1024
)
# Largest image accepted, in pixels (an image file, or an image inside a PDF): 200 MP is A4 at 1,800 dpi.
DOSSIER_UPLOAD_MAX_IMAGE_PIXELS = env.int("DOSSIER_UPLOAD_MAX_IMAGE_PIXELS", default=200_000_000)
DUE_SOON_WORKING_DAYS = 2
# Early warning (dossiers/early_warning.py): a dossier is "at risk of being late" when the working days the
# handling agency's recent dossiers needed for the steps ahead exceed the working days left until its date.
EARLY_WARNING_WINDOW_DAYS = env.int("EARLY_WARNING_WINDOW_DAYS", default=90)
EARLY_WARNING_MIN_SAMPLES = env.int("EARLY_WARNING_MIN_SAMPLES", default=5)
EARLY_WARNING_MARGIN_WORKING_DAYS = env.int("EARLY_WARNING_MARGIN_WORKING_DAYS", default=2)
EARLY_WARNING_CACHE_SECONDS = env.int("EARLY_WARNING_CACHE_SECONDS", default=6 * 3600)
# Retention (dossiers/services/retention.py): a closed dossier is archived this many years after it closed
# (returned, refused, denied, stopped, withdrawn) unless its procedure sets its own period
# (Procedure.retention_years). A setting the province takes from its archive rules (e.g. the retention tables
# under the Law on Archives 2024 and Circular 10/2022/TT-BNV), not a legal period the code asserts.
DOSSIER_RETENTION_YEARS_DEFAULT = env.int("DOSSIER_RETENTION_YEARS_DEFAULT", default=10)
if DOSSIER_RETENTION_YEARS_DEFAULT < 1:
    raise ImproperlyConfigured("DOSSIER_RETENTION_YEARS_DEFAULT must be at least 1.")
DOSSIER_ARCHIVE_BATCH_SIZE = env.int("DOSSIER_ARCHIVE_BATCH_SIZE", default=200)
# At most this many a night: a backlog (imported history) is worked off over several nights.
DOSSIER_ARCHIVE_MAX_PER_RUN = env.int("DOSSIER_ARCHIVE_MAX_PER_RUN", default=20_000)
# The queue's tab counts are cached until a change to the agency's dossiers commits; at most this old when
# rows change outside the services (an import) or an admin adds a calendar exception.
QUEUE_COUNTS_STALE_SECONDS = env.int("QUEUE_COUNTS_STALE_SECONDS", default=30)
# A queue tab's page is kept in the cache until a change to the agency's dossiers or their parcels commits or
# one of them is opened; at most this old for what changes with the clock alone (dossiers/views/staff.py).
QUEUE_PAGE_CACHE_SECONDS = env.int("QUEUE_PAGE_CACHE_SECONDS", default=30)
# "My dossiers" is kept per citizen and page under a fingerprint of their dossiers; at most this old for a
# name changed on an account (dossiers/views/citizen.py).
MY_DOSSIERS_CACHE_SECONDS = env.int("MY_DOSSIERS_CACHE_SECONDS", default=30)
# A page of the API's dossier list is kept until a change to the client's agencies' dossiers commits; at most
# this old for a change outside the dossiers' steps (archiving's redaction) (integrations/api.py).
API_LIST_CACHE_SECONDS = env.int("API_LIST_CACHE_SECONDS", default=30)
# The header's unread count is kept until a notice to the user or their reading one commits; at most this
# old when rows are deleted outside the services (notifications/selectors.py).
NOTIFICATIONS_UNREAD_CACHE_SECONDS = env.int("NOTIFICATIONS_UNREAD_CACHE_SECONDS", default=60)
# The public catalogue page and each procedure's page are kept in the cache until a publish or an archive
# commits; at most this old when an agency's name or address is edited in the admin (procedures/views.py).
CATALOGUE_PAGE_CACHE_SECONDS = env.int("CATALOGUE_PAGE_CACHE_SECONDS", default=120)

# --- Notifications -----------------------------------------------------------------------------------
# Outbox rows are retried with exponential backoff (base, 2×, 4×, …) up to MAX_ATTEMPTS tries: with the
# defaults 1 min … 128 min, 4 h 15 min in all, then the row is failed and shown to staff.
NOTIFICATIONS_RETRY_BASE_SECONDS = env.float("NOTIFICATIONS_RETRY_BASE_SECONDS", default=60.0)
NOTIFICATIONS_MAX_ATTEMPTS = env.int("NOTIFICATIONS_MAX_ATTEMPTS", default=9)
NOTIFICATIONS_COUNTDOWN_MAX_SECONDS = env.float("NOTIFICATIONS_COUNTDOWN_MAX_SECONDS", default=600.0)
# Outbox rows a send task carries (one commit's notices go together): Celery's own cost per task is paid once
# a batch (bench/notifications_dispatch.py).
NOTIFICATIONS_BATCH_SIZE = env.int("NOTIFICATIONS_BATCH_SIZE", default=20)
# A row still waiting this long after it was due is queued again by the sweeper.
NOTIFICATIONS_SWEEP_AFTER_SECONDS = env.float("NOTIFICATIONS_SWEEP_AFTER_SECONDS", default=180.0)
# A row in "sending" for longer than this lost its worker (killed): it may be claimed again.
NOTIFICATIONS_SENDING_LEASE_SECONDS = env.float("NOTIFICATIONS_SENDING_LEASE_SECONDS", default=300.0)
NOTIFICATIONS_EMAIL_SUBJECT_PREFIX = env.str("NOTIFICATIONS_EMAIL_SUBJECT_PREFIX", default="[Cổng DVC] ")
# SMS: notifications.providers.sms_http.HttpSMSGateway in production; a JSON-lines file by default.
SMS_BACKEND = env.str("SMS_BACKEND", default="notifications.providers.sms_file.FileSMSBackend")
SMS_FILE_PATH = env.str("SMS_FILE_PATH", default=str(VAR_DIR / "sms" / "outbox.jsonl"))
SMS_GATEWAY_URL = env.str("SMS_GATEWAY_URL", default="")
SMS_GATEWAY_API_KEY = env.str("SMS_GATEWAY_API_KEY", default="")
SMS_GATEWAY_CALLBACK_SECRET = env.str("SMS_GATEWAY_CALLBACK_SECRET", default="")
SMS_GATEWAY_TIMEOUT = env.float("SMS_GATEWAY_TIMEOUT", default=10.0)
SMS_SENDER_NAME = env.str("SMS_SENDER_NAME", default="CONG DVC")
SMS_UNICODE = env.bool("SMS_UNICODE", default=False)

# --- Postal delivery (BCCI) ----------------------------------------------------------------------------
# "sandbox": the embedded pretend operator (parcels move one step every POSTAL_SANDBOX_STEP_SECONDS; a
# share POSTAL_SANDBOX_FAILURE_RATE is returned to the sender). "http": the operator's JSON API
# (postal/carriers/API.md) at POSTAL_API_URL with POSTAL_API_KEY and POSTAL_PARTNER_CODE; its tracking
# notices are signed with POSTAL_WEBHOOK_SECRET (HMAC-SHA256; refused when empty).
POSTAL_CARRIER = env.str("POSTAL_CARRIER", default="sandbox")
POSTAL_API_URL = env.str("POSTAL_API_URL", default="")
POSTAL_API_KEY = env.str("POSTAL_API_KEY", default="")
POSTAL_PARTNER_CODE = env.str("POSTAL_PARTNER_CODE", default="")
POSTAL_API_TIMEOUT = env.float("POSTAL_API_TIMEOUT", default=10.0)
POSTAL_WEBHOOK_SECRET = env.str(
    "POSTAL_WEBHOOK_SECRET", default="" if PRODUCTION else "embedded-sandbox-webhook-secret"
)
POSTAL_SANDBOX_STEP_SECONDS = env.int("POSTAL_SANDBOX_STEP_SECONDS", default=120)
POSTAL_SANDBOX_FAILURE_RATE = env.float("POSTAL_SANDBOX_FAILURE_RATE", default=0.1)
# Tariff agreed with the operator (whole đồng): base price up to 250 g, then per further 250 g started.
POSTAL_POSTAGE_BASE = env.int("POSTAL_POSTAGE_BASE", default=22_000)
POSTAL_POSTAGE_PER_EXTRA_250G = env.int("POSTAL_POSTAGE_PER_EXTRA_250G", default=5_000)
POSTAL_RECIPIENT_PAYS_POSTAGE = env.bool("POSTAL_RECIPIENT_PAYS_POSTAGE", default=True)
# Submission retries: base, 2×, 4×… seconds up to the cap; after POSTAL_SUBMIT_MAX_RETRIES the sweeper
# keeps trying at the capped interval (an order is never dropped).
POSTAL_RETRY_BASE_SECONDS = env.int("POSTAL_RETRY_BASE_SECONDS", default=60)
POSTAL_RETRY_MAX_SECONDS = env.int("POSTAL_RETRY_MAX_SECONDS", default=3600)
POSTAL_SUBMIT_MAX_RETRIES = env.int("POSTAL_SUBMIT_MAX_RETRIES", default=8)
POSTAL_POLL_MINUTES = env.int("POSTAL_POLL_MINUTES", default=60)
CELERY_BEAT_SCHEDULE.update(
    {
        "postal-submit-sweep": {
            "task": "postal.tasks.sweep_unsubmitted",
            "schedule": 60.0,
            "options": {"expires": 50},
        },
        "postal-poll-tracking": {
            "task": "postal.tasks.poll_tracking",
            "schedule": 300.0,
            "options": {"expires": 290},
        },
    }
)
if POSTAL_CARRIER == "sandbox":
    CELERY_BEAT_SCHEDULE["postal-sandbox-advance"] = {
        "task": "postal.tasks.advance_sandbox",
        "schedule": env.float("POSTAL_SANDBOX_ADVANCE_SECONDS", default=30.0),
        "options": {"expires": 25},
    }

# --- National public-service portal sync (national_sync/adapters/API.md) ------------------------------------
# "sandbox": the embedded national_portal_sandbox, called in process by the same protocol code as "http";
# "http": the national portal at NATIONAL_PORTAL_URL. Names and codes are the contract's defaults.
NATIONAL_PORTAL = {
    "ADAPTER": env.str("NATIONAL_PORTAL_ADAPTER", default="sandbox"),
    "BASE_URL": env.str("NATIONAL_PORTAL_URL", default="").rstrip("/"),
    "USERNAME": env.str("NATIONAL_PORTAL_USERNAME", default=""),
    "PASSWORD": env.str("NATIONAL_PORTAL_PASSWORD", default=""),
    "TIMEOUT_SECONDS": env.float("NATIONAL_PORTAL_TIMEOUT_SECONDS", default=10.0),
    "SERVICES": {"lookup": "TraCuuHoSo", "sync_dossier": "DongBoHoSoMC", "sync_step": "CapNhatTienDoHoSoMC"},
    "FIELDS": env.json("NATIONAL_PORTAL_FIELDS", default={}),  # our name -> theirs; identity by default
    "ERROR_CODES": {"login_ok": "0", "ok": "00", "session_expired": ["-1"], "transient": ["99"]},
}
# Send retries: base, 2x, 4x... seconds up to the cap; after NATIONAL_SYNC_MAX_RETRIES the sweeper keeps
# trying at the capped interval (a row is never dropped).
NATIONAL_SYNC_RETRY_BASE_SECONDS = env.int("NATIONAL_SYNC_RETRY_BASE_SECONDS", default=30)
NATIONAL_SYNC_RETRY_MAX_SECONDS = env.int("NATIONAL_SYNC_RETRY_MAX_SECONDS", default=1800)
NATIONAL_SYNC_MAX_RETRIES = env.int("NATIONAL_SYNC_MAX_RETRIES", default=8)
NATIONAL_SYNC_LEASE_SECONDS = env.int("NATIONAL_SYNC_LEASE_SECONDS", default=120)
NATIONAL_SYNC_SWEEP_AFTER_SECONDS = env.int("NATIONAL_SYNC_SWEEP_AFTER_SECONDS", default=120)
NATIONAL_SYNC_ALERT_LAG_MINUTES = env.int("NATIONAL_SYNC_ALERT_LAG_MINUTES", default=15)
# Appointments: the reminder of the next working day's appointments, each afternoon.
CELERY_BEAT_SCHEDULE["appointments-reminders"] = {
    "task": "appointments.tasks.send_reminders",
    "schedule": crontab(hour=15, minute=0),
}
CELERY_BEAT_SCHEDULE.update(
    {
        "national-sync-sweep": {
            "task": "national_sync.tasks.sweep_items",
            "schedule": env.float("NATIONAL_SYNC_SWEEP_INTERVAL_SECONDS", default=60.0),
            "options": {"expires": 50},
        },
        "national-sync-health": {
            "task": "national_sync.tasks.check_health",
            "schedule": 300.0,
            "options": {"expires": 290},
        },
    }
)

# --- Payments ----------------------------------------------------------------------------------------
# "sandbox" (embedded default: the portal's own sandbox bank under /sandbox-bank/) or "vnpay" (VNPay 2.1.0).
PAYMENT_GATEWAY = env.str("PAYMENT_GATEWAY", default="sandbox")
PAYMENT_ATTEMPT_EXPIRY_MINUTES = env.int("PAYMENT_ATTEMPT_EXPIRY_MINUTES", default=15)
PAYMENT_QUERY_AFTER_MINUTES = env.int("PAYMENT_QUERY_AFTER_MINUTES", default=15)
PAYMENT_SERVER_IP = env.str("PAYMENT_SERVER_IP", default="127.0.0.1")  # vnp_IpAddr of querydr/refund
VNPAY_TMN_CODE = env.str("VNPAY_TMN_CODE", default="")
VNPAY_HASH_SECRET = env.str("VNPAY_HASH_SECRET", default="")
VNPAY_PAYMENT_URL = env.str("VNPAY_PAYMENT_URL", default="https://sandbox.vnpayment.vn/paymentv2/vpcpay.html")
VNPAY_API_URL = env.str(
    "VNPAY_API_URL", default="https://sandbox.vnpayment.vn/merchant_webapi/api/transaction"
)
if PAYMENT_GATEWAY not in {"sandbox", "vnpay"}:
    raise ImproperlyConfigured(f"PAYMENT_GATEWAY must be 'sandbox' or 'vnpay', not {PAYMENT_GATEWAY!r}")
if PAYMENT_GATEWAY == "vnpay" and not (VNPAY_TMN_CODE and VNPAY_HASH_SECRET):
    raise ImproperlyConfigured("PAYMENT_GATEWAY=vnpay needs VNPAY_TMN_CODE and VNPAY_HASH_SECRET")

# --- Content-Security-Policy (django-csp) ---------------------------------------------------------------
# Scripts and styles from the portal's own static files only: nothing inline unless it carries the
# request's nonce ({{ request.csp_nonce }}), no 'unsafe-inline'. QR codes are data: images. Forms post to
# the portal, and the Pay button's answer redirects to the payment gateway's page (form-action covers it).
# A view that sets its own Content-Security-Policy (user files: sandbox) keeps it.
_gateway_origin = "{0.scheme}://{0.netloc}".format(urlsplit(VNPAY_PAYMENT_URL))
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF, _gateway_origin] if PAYMENT_GATEWAY == "vnpay" else [SELF],
    },
}

# Personal data protection (privacy/; Law 91/2025/QH15, Decree 13/2023/NĐ-CP).
PRIVACY_CONTACT_EMAIL = env.str("PRIVACY_CONTACT_EMAIL", default="baove-dulieu@dichvucong.example.vn")
# Correction "as soon as possible" (Decree 13 art. 15): the portal's answer is due in this many working days.
PRIVACY_CORRECTION_WORKING_DAYS = env.int("PRIVACY_CORRECTION_WORKING_DAYS", default=3)
PRIVACY_EXPORTS_PER_HOUR = env.int("PRIVACY_EXPORTS_PER_HOUR", default=3)
# Stored files put in one "my data" archive, in all; beyond it files are listed but left out.
PRIVACY_EXPORT_MAX_FILE_BYTES = env.int("PRIVACY_EXPORT_MAX_FILE_BYTES", default=500 * 1024 * 1024)
