#!/usr/bin/env bash
# Restore drill: take the backups as the README says (the database, then UPLOAD_DIR), restore both into a
# scratch database and folder, and check that the restored copy holds the same rows and every document's
# file with its checksum; mail waiting in the restored copy is held. Nothing of the live system changes.
#
#   set -a; . /etc/kopkraft/kopkraft.env; set +a; deploy/restore-drill.sh
#
# Needs pg_dump, pg_restore and psql of the server's major version, and a DATABASE_URL whose user may create
# databases. Exit status 0 only when everything matched.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?set DATABASE_URL (postgresql://user@host/db)}"
: "${UPLOAD_DIR:?set UPLOAD_DIR}"
flask() { .venv/bin/flask --app app "$@"; }

live="${DATABASE_URL%%\?*}"             # without query options
server="${live%/*}"                      # postgresql://user@host:port
scratch="kopkraft_restore_drill_$$"
work=$(mktemp -d)
cleanup() {
  psql -q -d "$live" -c "DROP DATABASE IF EXISTS $scratch" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "1. backup: the database, then the documents"
pg_dump -Fc -d "$live" -f "$work/database.dump"
tar -C "$UPLOAD_DIR" -cf "$work/uploads.tar" .

echo "2. restore into the scratch database $scratch and a scratch folder"
psql -q -d "$live" -c "CREATE DATABASE $scratch"
pg_restore -d "$server/$scratch" --no-owner --exit-on-error "$work/database.dump"
mkdir "$work/uploads"
tar -C "$work/uploads" -xf "$work/uploads.tar"

echo "3. compare the rows of every table"
counts() {
  psql -d "$1" -tAc "SELECT string_agg(format('SELECT %L AS t, count(*) FROM %I.%I', table_name, table_schema, table_name), ' UNION ALL ' ORDER BY table_name) FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'" \
    | psql -d "$1" -tA
}
counts "$live" | sort > "$work/live.txt"
counts "$server/$scratch" | sort > "$work/restored.txt"
diff "$work/live.txt" "$work/restored.txt"
echo "   $(wc -l < "$work/live.txt") tables, the same rows in each"

echo "4. in the restored copy: hold the mail that was waiting, check every document's file"
DATABASE_URL="$server/$scratch" UPLOAD_DIR="$work/uploads" flask outbox hold
DATABASE_URL="$server/$scratch" UPLOAD_DIR="$work/uploads" flask documents verify
echo "restore drill passed"
