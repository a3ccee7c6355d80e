#!/usr/bin/env bash
# Quick start on a fresh machine: install, load `yinghuo demo` data into the embedded
# SQLite database (jobs run inline, no Redis needed) and serve it with gunicorn.
set -euo pipefail
cd "$(dirname "$0")/.."
# Certificates are PDFs in Chinese: WeasyPrint needs Pango and a CJK font from Debian.
if command -v apt-get >/dev/null && ! fc-list 2>/dev/null | grep -qi "CJK"; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 >/dev/null
fi
python3 -m venv .venv
.venv/bin/pip install --quiet --upgrade pip
.venv/bin/pip install --quiet -e .
unset DATABASE_URL REDIS_URL
.venv/bin/yinghuo demo
echo "Yinghuo is at http://127.0.0.1:8000/login (operator@yinghuo.demo / Yinghuo2026)"
exec .venv/bin/gunicorn -c python:yinghuo.gunicorn_conf yinghuo.wsgi:app
