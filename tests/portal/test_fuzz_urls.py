"""No input may give a 5xx: every URL pattern of the URLconf, as an anonymous visitor, a citizen, a clerk and
the admin, with random query strings and form bodies — NUL, overlong values, invalid UTF-8, unicode edge
cases (U+FFFF, right-to-left marks, combining characters) — must answer below 500.

Each pattern gets a few fixed requests (every known parameter set to NUL, as the GET query and as the POST
body) and a few random ones (Hypothesis). Path parameters are filled with the ids and codes of real objects
(a dossier filed and paid, its documents, notifications, a parcel) or with random text. The test client
re-raises a view's exception, so a failure shows the traceback. Runs on SQLite in `make test` and on
PostgreSQL (which refuses NUL in text) in `.ci/run`'s step 3; FUZZ_EXAMPLES_PER_URL sets the number of
random requests per pattern (4 by default, to stay well under a minute).
"""

import json
import os
import re
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import quote, quote_from_bytes

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import URLResolver, get_resolver
from django.urls.converters import IntConverter, PathConverter
from django.urls.resolvers import RegexPattern, RoutePattern
from django.utils.regex_helper import normalize
from hypothesis import HealthCheck, Phase, example, given
from hypothesis import settings as fuzz_settings
from hypothesis import strategies as st

from accounts.models import Role
from dossiers import slips
from dossiers.views.citizen import STEP_NAMES
from dossiers.views.staff import ACTION_FORMS
from notifications.models import Notification
from payments.views import STAFF_ACTIONS
from tests.dossiers.staff_support import file_online, sign_in, world
from tests.factories import UserFactory
from tests.payments import support as payments_support
from tests.postal.support import approved_by_post, make_result_ready

pytestmark = pytest.mark.django_db

EXAMPLES_PER_URL = int(os.environ.get("FUZZ_EXAMPLES_PER_URL", "4"))
ONLY = os.environ.get("FUZZ_URLS", "")  # e.g. FUZZ_URLS=api/ to fuzz only the patterns containing "api/"
ROLES = ["anonymous", "citizen", "clerk", "admin"]

# Parameters the portal's views and forms read (GET and POST), and some of allauth's and the gateways'.
KNOWN_NAMES = [
    "q", "field", "agency", "level", "full_process", "page", "tab", "state", "sort", "code", "digits",
    "day", "gateway", "choice", "action", "slot", "document", "stored_file", "start_new", "order", "view",
    "version", "id", "language", "next", "idempotency_key", "expected_version", "reason", "note", "notes",
    "receipt_number", "purpose", "file", "full_name", "street_address", "commune", "delivery_address",
    "recipient_phone", "return_channel", "receiving_agency", "applicant_name", "applicant_email",
    "applicant_phone", "applicant_id_number", "applicant_address", "email", "login", "password",
    "password1", "password2", "oldpassword", "remember", "key", "vnp_TxnRef", "vnp_Amount",
    "vnp_ResponseCode", "vnp_TransactionStatus", "vnp_SecureHash", "vnp_TmnCode", "vnp_RequestId",
    "vnp_Command", "vnp_TransactionNo", "vnp_PayDate", "vnp_BankCode", "format", "o", "p", "e",
    "_changelist_filters", "process", "person", "client_id", "redirect_uri", "response_type", "scope",
    "code_challenge", "code_challenge_method", "nonce", "acr_values", "grant_type", "code_verifier",
]  # fmt: skip

NASTY_TEXT = [
    "\x00",
    "a\x00b",
    "x" * 5000,
    "\uffff",
    "\ufffe",
    "\u202ephep\u202c",  # right-to-left override
    "\u200f\u200e",  # RTL / LTR marks
    "e\u0301\u0323\u0302",  # stacked combining marks
    "\u0301",  # a lone combining mark
    "Giấy phép\u00a0lái xe",
    "\U0001f600",
    "' OR 1=1 --",
    "%00",
    "../../etc/passwd",
    "line\r\nbreak",
    "-1",
    "0",
    "99999999999999999999999999",
    "1e309",
    "NaN",
    "2026-02-30",
    "",
]
INVALID_UTF8 = [b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"a\x80b", b"\xe1\xba"]

# Most values are text a view can read (so the request gets past the input guard into the view); some are
# the nasty ones above, NUL and invalid UTF-8 included.
clean_text = st.one_of(
    st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=40),
    st.from_regex(r"\A[0-9A-Za-z._-]{0,24}\Z"),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.dates().map(str),
    st.sampled_from([text for text in NASTY_TEXT if "\x00" not in text]),
)
nasty_text = st.one_of(
    clean_text,
    clean_text,
    st.sampled_from(NASTY_TEXT),
    st.text(st.characters(codec="utf-8"), min_size=200, max_size=3000),
)
value_bytes = st.one_of(
    clean_text.map(str.encode),
    clean_text.map(str.encode),
    nasty_text.map(str.encode),
    st.sampled_from(INVALID_UTF8),
    st.binary(max_size=24),
)
name_bytes = st.one_of(st.sampled_from(KNOWN_NAMES).map(str.encode), value_bytes)


def urlencoded(pairs: list[tuple[bytes, bytes]]) -> str:
    return "&".join(f"{quote_from_bytes(name)}={quote_from_bytes(value)}" for name, value in pairs)


# Half the queries and forms use the names the views read with readable values (to get into the views),
# half may hold anything.
clean_pairs = st.lists(
    st.tuples(st.sampled_from(KNOWN_NAMES).map(str.encode), clean_text.map(str.encode)), max_size=6
)
any_pairs = st.lists(st.tuples(name_bytes, value_bytes), min_size=1, max_size=6)
query_strings = (clean_pairs | any_pairs).map(urlencoded)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | nasty_text,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(nasty_text, children, max_size=3),
    max_leaves=8,
)
# A body: none, form-urlencoded (raw bytes: invalid UTF-8 too), multipart (text fields), or JSON.
bodies = st.one_of(
    st.none(),
    query_strings.map(lambda q: ("application/x-www-form-urlencoded", q.encode())),
    st.dictionaries(st.sampled_from(KNOWN_NAMES), clean_text | nasty_text, max_size=6).map(
        lambda fields: (MULTIPART_CONTENT, encode_multipart(BOUNDARY, fields))
    ),
    st.dictionaries(nasty_text, nasty_text, max_size=3).map(
        lambda fields: (MULTIPART_CONTENT, encode_multipart(BOUNDARY, fields))
    ),
    json_values.map(lambda value: ("application/json", json.dumps(value).encode())),
)
# A WSGI server hands headers over as bytes read as latin-1: so do these.
cookie_jars = st.dictionaries(
    st.sampled_from(["sessionid", "portal_language", "csrftoken", "messages"]),
    value_bytes.map(lambda raw: raw.decode("latin-1")),
    max_size=2,
)
methods = st.sampled_from(["GET", "GET", "POST", "POST", "HEAD", "OPTIONS", "PUT", "DELETE"])

ALL_NUL_QUERY = urlencoded([(name.encode(), b"\x00") for name in KNOWN_NAMES])
ALL_NUL_BODY = ("application/x-www-form-urlencoded", ALL_NUL_QUERY.encode())
FIXED_REQUESTS = [
    *[(role, "GET", "", None) for role in ROLES],  # the page as each person sees it
    ("anonymous", "GET", ALL_NUL_QUERY, None),
    ("citizen", "POST", "", ALL_NUL_BODY),
    ("clerk", "GET", ALL_NUL_QUERY, None),
    ("admin", "POST", ALL_NUL_QUERY, ALL_NUL_BODY),
]


@dataclass
class Portal:
    """Real objects whose ids and codes fill the path parameters, and the people who sign in."""

    users: dict[str, object]
    samples: dict[str, list[str]] = field(default_factory=dict)


@pytest.fixture
def portal() -> Portal:
    w = world()
    dossier = file_online(w)
    citizen = dossier.applicant
    unpaid = payments_support.filed(
        version=payments_support.fee_version(agency=w.desk.agency), applicant=citizen
    )
    attempt = payments_support.pay(unpaid)
    case = approved_by_post()
    make_result_ready(case)
    admin = UserFactory(role=Role.CATALOGUE_ADMIN, is_staff=True, is_superuser=True)
    objects = [
        dossier,
        unpaid,
        attempt,
        case.dossier,
        *dossier.documents.all()[:1],
        *Notification.objects.filter(recipient=citizen)[:1],
        *case.dossier.delivery_orders.all()[:1],
    ]
    pks = sorted({str(obj.pk) for obj in objects})
    return Portal(
        users={"citizen": citizen, "clerk": w.desk.clerk, "admin": admin},
        samples={
            "pk": pks,
            "object_id": pks,
            "id": [str(citizen.pk), str(admin.pk)],
            "content_type_id": [str(ContentType.objects.get_for_model(type(dossier)).pk)],
            "national_code": [dossier.procedure_version.procedure.national_code],
            "version_number": ["1"],
            "step": STEP_NAMES,
            "action": sorted({*ACTION_FORMS, *STAFF_ACTIONS}),
            "agency_code": [w.desk.agency.code, w.handler.agency.code],
            "kind": sorted(slips.SLIP_KINDS),
            "gateway": ["sandbox", "vnpay"],
            "carrier": ["sandbox", "http"],
            "day": ["2026-03-02"],
        },
    )


def url_patterns():
    """Every URL pattern of the URLconf, as the chain of patterns (include prefixes first) that reaches it."""

    def walk(patterns, chain):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, [*chain, pattern.pattern])
            else:
                yield [*chain, pattern.pattern]

    return list(walk(get_resolver().url_patterns, []))


PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def path_strategy(chain, samples: dict[str, list[str]]):
    """Paths the chain resolves (or almost: random text in a parameter may leave the pattern)."""
    parts = []
    for pattern in chain:
        if isinstance(pattern, RegexPattern):
            random = st.from_regex(pattern.regex, fullmatch=True).map(lambda text: text[:300])
            parts.append(st.just(filled_regex(pattern, samples)) | random)
            continue
        assert isinstance(pattern, RoutePattern)
        route, position = str(pattern), 0
        for match in PARAMETER.finditer(route):
            parts.append(st.just(route[position : match.start()]))
            parts.append(
                parameter_strategy(pattern.converters[match["name"]], samples.get(match["name"], []))
            )
            position = match.end()
        parts.append(st.just(route[position:]))
    return st.tuples(*parts).map(lambda texts: "/" + quote("".join(texts), safe="/"))


def parameter_strategy(converter, known: list[str]):
    if isinstance(converter, IntConverter):
        random = st.integers(min_value=0, max_value=10**30).map(str)
    elif isinstance(converter, PathConverter):
        random = nasty_text.filter(bool)
    else:
        random = nasty_text.map(lambda text: text.replace("/", "")).filter(bool)
    return st.sampled_from(known) | random if known else random


def filled_regex(pattern: RegexPattern, samples: dict[str, list[str]]) -> str:
    """A regex pattern written out the way reverse() does, its groups set to real values or "1"."""
    template, names = normalize(pattern.regex.pattern)[0]
    return template % {name: (samples.get(name) or ["1"])[0] for name in names}


def sample_path(chain, samples: dict[str, list[str]]) -> str:
    """The path with each parameter set to the first real object's id or code (fixed requests)."""
    parts = []
    for pattern in chain:
        if isinstance(pattern, RegexPattern):
            parts.append(filled_regex(pattern, samples))
            continue
        route = str(pattern)

        def fill(match):
            known = samples.get(match["name"])
            return known[0] if known else ("1" if match["converter"] == "int" else "x")

        parts.append(PARAMETER.sub(fill, route))
    return "/" + quote("".join(parts), safe="/")


class Visitors:
    """One client per role (a client loads the middleware once). Each request starts from the role's
    signed-in cookies plus the fuzzed ones; a request that changed the session cookie (signed out, signed
    in again) makes the next one sign in afresh."""

    def __init__(self, users):
        self.users = users
        self.clients = {role: Client() for role in ROLES}
        self.jars: dict[str, dict[str, str]] = {}

    def client(self, role: str, cookies: dict[str, str]) -> Client:
        client = self.clients[role]
        if role not in self.jars:
            client.cookies = SimpleCookie()
            if role == "citizen":
                client.force_login(self.users["citizen"])
            elif role != "anonymous":
                sign_in(client, self.users[role])
            self.jars[role] = {name: morsel.value for name, morsel in client.cookies.items()}
        client.cookies = SimpleCookie(self.jars[role])
        for name, value in cookies.items():
            client.cookies[name] = value
        return client

    def request(self, role, method, path, query, body, cookies):
        content_type, data = body if body else ("application/octet-stream", b"")
        target = f"{path}?{query}" if query else path
        client = self.client(role, cookies)
        try:
            response = client.generic(method, target, data=data, content_type=content_type)
            if response.streaming:  # a file: read it to the end, as the server would (and close it)
                b"".join(response.streaming_content)
        except Exception as error:  # the view raised: a 500 in production
            raise AssertionError(f"{role} {method} {target} {cookies} {data[:300]!r}: {error!r}") from error
        if settings.SESSION_COOKIE_NAME in response.cookies:
            self.jars.pop(role, None)
        assert response.status_code < 500, (role, method, target, cookies, data[:500], response.status_code)


# The patterns in SHARDS interleaved parts, each a test of its own: `pytest -n` spreads them over its workers
# (one test of every pattern kept one worker busy for a minute and a half while the other had finished).
SHARDS = 4


@pytest.mark.parametrize("shard", range(SHARDS))
def test_no_url_answers_5xx_to_any_input(portal, shard):
    visitors = Visitors(portal.users)
    for chain in url_patterns()[shard::SHARDS]:
        if ONLY not in "".join(str(pattern) for pattern in chain):
            continue
        paths = path_strategy(chain, portal.samples)
        fixed_path = sample_path(chain, portal.samples)

        @fuzz_settings(
            max_examples=max(EXAMPLES_PER_URL, 1),
            deadline=None,
            database=None,
            phases=[Phase.explicit, Phase.generate, Phase.shrink] if EXAMPLES_PER_URL else [Phase.explicit],
            suppress_health_check=list(HealthCheck),
        )
        @given(
            role=st.sampled_from(ROLES),
            method=methods,
            path=paths,
            query=query_strings,
            body=bodies,
            cookies=cookie_jars,
        )
        def fuzz(role, method, path, query, body, cookies):
            visitors.request(role, method, path, query, body, cookies)

        for role, method, query, body in FIXED_REQUESTS:
            fuzz = example(role=role, method=method, path=fixed_path, query=query, body=body, cookies={})(
                fuzz
            )
        fuzz()
