#!/usr/bin/env bash
# Yinghuo on an empty Debian 12 host, as root:
#
#   bash deploy/setup-debian.sh dist/yinghuo-0.1.0-py3-none-any.whl   (or a source folder, or 'yinghuo' from an index)
#
# Installs PostgreSQL, Redis (with AOF persistence for the job queues), nginx, the CJK font for
# PDFs; creates the `yinghuo` system user, the database and its owner role, /etc/yinghuo/env
# with fresh keys, the venv in /opt/yinghuo, the schema (`yinghuo db upgrade`), the systemd
# units (web, worker, nightly backup) and nginx's site; then runs `yinghuo doctor`. Running it
# again upgrades the package and the schema and changes nothing else (the env file is kept).
# docs/operations.md explains each step and what to do after (TLS certificate, first tenant).
set -euo pipefail
package="${1:?usage: setup-debian.sh <wheel file, source folder or package name>}"
here="$(cd "$(dirname "$0")" && pwd)"
[ "$(id -u)" = 0 ] || { echo "error: run as root" >&2; exit 2; }

echo "== packages"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql postgresql-client redis-server nginx \
  python3 python3-venv fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 >/dev/null

echo "== system user and folders"
id yinghuo >/dev/null 2>&1 || useradd --system --home-dir /var/lib/yinghuo --shell /usr/sbin/nologin yinghuo
install -d -o yinghuo -g yinghuo -m 0750 /var/lib/yinghuo /var/lib/yinghuo/instance /var/backups/yinghuo
install -d -o root -g yinghuo -m 0750 /etc/yinghuo

echo "== settings: /etc/yinghuo/env"
if [ ! -f /etc/yinghuo/env ]; then
  secret="$(python3 -c 'import secrets; print(secrets.token_hex(32))')"
  data_key="k1:$(python3 -c 'import base64, secrets; print(base64.b64encode(secrets.token_bytes(32)).decode())')"
  sed -e "s|__SECRET_KEY__|$secret|" -e "s|__DATA_KEY__|$data_key|" "$here/env.example" > /etc/yinghuo/env
  chown root:yinghuo /etc/yinghuo/env
  chmod 0640 /etc/yinghuo/env
  echo "   written with new keys: keep a copy of YINGHUO_DATA_KEY somewhere safe, apart from the backups"
else
  echo "   kept (it exists)"
fi

echo "== PostgreSQL: owner role and database"
systemctl enable --now postgresql >/dev/null 2>&1 || pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start || true
runuser -u postgres -- psql -q -v ON_ERROR_STOP=1 -v owner=yinghuo -v backup=yinghuo_backup -v dbname=yinghuo \
  -f "$here/postgres-setup.sql"
# the yinghuo system user may also connect as yinghuo_backup (peer authentication with a map),
# ahead of Debian's catch-all 'local all all peer' line
hba="$(runuser -u postgres -- psql -Atc 'SHOW hba_file')"
ident="$(runuser -u postgres -- psql -Atc 'SHOW ident_file')"
grep -q '^yinghuo ' "$ident" || printf 'yinghuo yinghuo yinghuo\nyinghuo yinghuo yinghuo_backup\n' >> "$ident"
grep -q 'map=yinghuo' "$hba" || sed -i '0,/^local/s//local   yinghuo   yinghuo,yinghuo_backup   peer map=yinghuo\nlocal/' "$hba"
runuser -u postgres -- psql -qc 'SELECT pg_reload_conf()' >/dev/null

echo "== Redis: append-only file, so queued jobs survive a restart"
conf=/etc/redis/redis.conf
if ! grep -q '^appendonly yes' "$conf"; then
  sed -i -e 's/^appendonly no/appendonly yes/' "$conf"
  grep -q '^appendonly yes' "$conf" || echo 'appendonly yes' >> "$conf"
fi
grep -q '^appendfsync everysec' "$conf" || echo 'appendfsync everysec' >> "$conf"
systemctl restart redis-server >/dev/null 2>&1 || true

echo "== the package: /opt/yinghuo"
[ -x /opt/yinghuo/bin/pip ] || python3 -m venv /opt/yinghuo
/opt/yinghuo/bin/pip install --quiet --upgrade pip
/opt/yinghuo/bin/pip install --quiet --upgrade "$package"
install -m 0755 "$here/yinghuo-admin" /usr/local/bin/yinghuo-admin

echo "== schema"
yinghuo-admin db upgrade

echo "== systemd units and nginx"
install -m 0644 "$here/yinghuo.service" "$here/yinghuo-worker.service" "$here/yinghuo-backup.service" \
  "$here/yinghuo-backup.timer" /etc/systemd/system/
systemctl daemon-reload
systemctl enable --now yinghuo.service yinghuo-worker.service yinghuo-backup.timer
systemctl reload yinghuo.service 2>/dev/null || true
if [ ! -f /etc/nginx/sites-available/yinghuo.conf ]; then
  install -m 0644 "$here/nginx.conf" /etc/nginx/sites-available/yinghuo.conf
  echo "   nginx site in /etc/nginx/sites-available/yinghuo.conf: set server_name and the certificate, then"
  echo "   ln -s ../sites-available/yinghuo.conf /etc/nginx/sites-enabled/ && nginx -t && systemctl reload nginx"
fi

echo "== check"
yinghuo-admin doctor
