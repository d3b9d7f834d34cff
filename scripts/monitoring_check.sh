#!/usr/bin/env bash
# The monitoring as deployed (deploy/prometheus/; README, "Monitoring"), checked with Prometheus itself:
#   1. promtool checks the alert rules and runs their unit tests (deploy/prometheus/alerts_test.yml: each alert
#      quiet under its threshold, firing once its `for:` has passed, with the summary the person on call reads);
#   2. promtool checks prometheus.yml (its container paths pointed at this checkout);
#   3. a real Prometheus scrapes a live portal (the demo on PostgreSQL, DEBUG off) with the scrape settings of
#      prometheus.yml — the path, the bearer token from a file, the portal's own METRICS_TOKEN and no address
#      allowed without it — and loads alerts.yml: the portal's series arrive, a second scrape with a wrong
#      token is down, and PortalMetricsDown is pending for it.
# Prometheus and promtool are Debian's package, unpacked into var/tools/ (never installed as a service). Run by
# .ci/run; needs PostgreSQL at 127.0.0.1:5432.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

source scripts/support.sh
TOOLS=$ROOT/var/tools/prometheus
if [ ! -x "$TOOLS/usr/bin/prometheus" ]; then
  echo "Unpacking Debian's prometheus package into var/tools/ (promtool and the server, not a service)."
  download=$(mktemp -d)
  if ! (cd "$download" && apt-get download -qq prometheus 2>/dev/null); then
    as_root apt-get update -qq
    (cd "$download" && apt-get download -qq prometheus 2>/dev/null)
  fi
  mkdir -p "$TOOLS"
  dpkg-deb -x "$download"/prometheus_*.deb "$TOOLS"
  rm -rf "$download"
fi
PROMTOOL=$TOOLS/usr/bin/promtool
PROMETHEUS=$TOOLS/usr/bin/prometheus

DB=${MONITORING_CHECK_DB:-portal_monitoring_check}
PG=(-h 127.0.0.1 -p 5432 -U postgres)
WORK=$(mktemp -d)
PORT=$(free_port)
PROM_PORT=$(free_port)
SERVER="" PROM=""
stop() {
  for pid in "$PROM" "$SERVER"; do
    if [ -n "$pid" ]; then
      kill "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
  dropdb --if-exists "${PG[@]}" "$DB" 2>/dev/null || true
  rm -rf "$WORK"
}
trap stop EXIT

"$PROMTOOL" check rules deploy/prometheus/alerts.yml
"$PROMTOOL" test rules deploy/prometheus/alerts_test.yml

# The deployed configuration, its two container paths (the rules, the token file) pointed here.
TOKEN=$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(32))')
printf '%s' "$TOKEN" >"$WORK/metrics_token"
printf '%s' "not-the-token" >"$WORK/wrong_token"
sed -e "s|/etc/prometheus/alerts.yml|$ROOT/deploy/prometheus/alerts.yml|" -e "s|/tmp/metrics_token|$WORK/metrics_token|" \
  deploy/prometheus/prometheus.yml >"$WORK/deployed.yml"
grep -q "$WORK/metrics_token" "$WORK/deployed.yml" && grep -q "$ROOT/deploy/prometheus/alerts.yml" "$WORK/deployed.yml" || {
  echo "monitoring check: prometheus.yml changed shape (rule file or token file not found); update this script"
  exit 1
}
"$PROMTOOL" check config "$WORK/deployed.yml"

# The live check's configuration: the deployed portal job with its target listed instead of found in
# Docker's DNS, everything faster, and the same job again with a wrong token.
.venv/bin/python - "$WORK/deployed.yml" "$WORK/live.yml" "127.0.0.1:$PORT" "$WORK/wrong_token" <<'EOF'
import copy
import sys

import yaml

source, target, address, wrong_token = sys.argv[1:]
config = yaml.safe_load(open(source))
config["global"].update(scrape_interval="1s", scrape_timeout="1s", evaluation_interval="1s")
[portal] = [job for job in config["scrape_configs"] if job["job_name"] == "portal"]
portal.pop("dns_sd_configs")
portal["static_configs"] = [{"targets": [address]}]
wrong = copy.deepcopy(portal)
wrong["job_name"] = "portal-wrong-token"
wrong["authorization"]["credentials_file"] = wrong_token
wrong["relabel_configs"] = [
    {"target_label": "job", "replacement": "portal"},
    {"target_label": "instance", "replacement": "wrong-token"},
]
config["scrape_configs"].append(wrong)
yaml.safe_dump(config, open(target, "w"))
EOF

export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB" REDIS_URL="" PORTAL_ENV=development DEBUG=false
export MEDIA_ROOT="$WORK/media" EMAIL_FILE_PATH="$WORK/mail" SMS_FILE_PATH="$WORK/sms/outbox.jsonl"
export METRICS_TOKEN="$TOKEN" METRICS_ALLOWED_IPS="192.0.2.1" ALLOWED_HOSTS="127.0.0.1"
source scripts/demo_database.sh
demo_database "$DB" "$MEDIA_ROOT" "$WORK/load_demo.log"
.venv/bin/python manage.py runserver --noreload "127.0.0.1:$PORT" >"$WORK/server.log" 2>&1 &
SERVER=$!
"$PROMETHEUS" --config.file="$WORK/live.yml" --storage.tsdb.path="$WORK/tsdb" \
  --web.listen-address="127.0.0.1:$PROM_PORT" >"$WORK/prometheus.log" 2>&1 &
PROM=$!

status=0
.venv/bin/python - "http://127.0.0.1:$PROM_PORT" "127.0.0.1:$PORT" <<'EOF' || status=$?
import json
import sys
import time
import urllib.parse
import urllib.request

base, portal = sys.argv[1:]


def query(expression: str) -> list:
    url = f"{base}/api/v1/query?{urllib.parse.urlencode({'query': expression})}"
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return json.load(answer)["data"]["result"]
    except OSError:
        return []  # Prometheus still starting


checks = {
    "the portal is scraped with the token": f'up{{job="portal", instance="{portal}"}} == 1',
    "the scrape with a wrong token is refused": 'up{job="portal", instance="wrong-token"} == 0',
    "the outboxes' ages arrive": f'portal_outbox_oldest_age_seconds{{instance="{portal}"}}',
    "the broker's state arrives": f'portal_celery_broker_up{{instance="{portal}"}}',
    "Django's request counters arrive": f'django_http_requests_total_by_method_total{{instance="{portal}"}}',
    "alerts.yml is evaluated: PortalMetricsDown pending for the wrong token": (
        'ALERTS{alertname="PortalMetricsDown", alertstate="pending", instance="wrong-token"}'
    ),
}
deadline = time.monotonic() + 90
waiting = dict(checks)
while waiting and time.monotonic() < deadline:
    for name, expression in list(waiting.items()):
        if query(expression):
            print(f"ok: {name}")
            del waiting[name]
    time.sleep(1)
for name, expression in waiting.items():
    print(f"FAILED: {name} ({expression} has no result after 90 s)")
sys.exit(1 if waiting else 0)
EOF
if [ "$status" -ne 0 ]; then
  echo "--- prometheus log (last 30 lines) ---"
  tail -n 30 "$WORK/prometheus.log"
  echo "--- server log (last 30 lines) ---"
  tail -n 30 "$WORK/server.log"
  exit 1
fi
echo "monitoring check passed: alert rules and their unit tests, prometheus.yml, a live scrape with the token"
