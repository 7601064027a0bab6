"""Production server settings. gunicorn reads this file from its working directory, so a plain
``gunicorn microblog:app`` (and boot.sh) serves the pages, the API and the websockets.

Socket.IO runs in Flask-SocketIO's threading mode on gthread workers: an open websocket holds
one thread of its worker, so ``threads`` bounds the sockets a worker can keep open.

Several workers need two things, because gunicorn has no sticky sessions: Redis as the
Socket.IO message queue (REDIS_URL), so an event emitted by any process reaches sockets held by
every other, and clients that use the websocket transport only (the site's own script does;
programs pass ``transports=["websocket"]``). Without REDIS_URL there is one worker, which also
serves long-polling clients.
"""

import multiprocessing
import os

wsgi_app = "microblog:app"
bind = os.environ.get("GUNICORN_BIND") or f"0.0.0.0:{os.environ.get('PORT') or 5000}"
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY") or (multiprocessing.cpu_count() if os.environ.get("REDIS_URL") else 1))
threads = int(os.environ.get("GUNICORN_THREADS") or 200)
# Idle keep-alive connections give their thread back after this many seconds.
keepalive = 5
# A worker that stops answering its arbiter for this long is restarted (open sockets reconnect).
timeout = 60
graceful_timeout = 20
accesslog = "-"
errorlog = "-"
