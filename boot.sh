#!/bin/sh
# Production start: apply migrations, compile translations, then hand over to gunicorn.
set -e

# A configuration the app refuses (no SECRET_KEY, no SERVER_NAME or TRUSTED_HOSTS, ...)
# stops here at once, with the app's message, rather than after the database retries.
python -c "import microblog" >/dev/null

attempt=1
until flask db upgrade; do
  if [ "$attempt" -ge "${DB_UPGRADE_ATTEMPTS:-10}" ]; then
    echo "boot.sh: the database is still not ready after $attempt attempts; giving up." >&2
    exit 1
  fi
  echo "boot.sh: database not ready (attempt $attempt); retrying in 3 seconds..." >&2
  attempt=$((attempt + 1))
  sleep 3
done

if ls app/translations/*/LC_MESSAGES/messages.po >/dev/null 2>&1; then
  flask translate compile
fi

# Server settings (workers, the websocket-capable worker class, threads) are in gunicorn.conf.py.
exec gunicorn microblog:app
