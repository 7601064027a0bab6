# A slim production image that runs boot.sh as an unprivileged user.
# Run it with at least SECRET_KEY (32+ bytes), DATABASE_URL and SERVER_NAME
# (or TRUSTED_HOSTS) in the environment, e.g. SERVER_NAME=microblog.example.com
# PREFERRED_URL_SCHEME=https; start-up refuses without them.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    FLASK_APP=microblog.py \
    LOG_TO_STDOUT=1 \
    PORT=5000

RUN useradd --create-home --uid 10001 microblog
WORKDIR /home/microblog

COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt

COPY --chown=microblog:microblog app app
COPY --chown=microblog:microblog migrations migrations
COPY --chown=microblog:microblog microblog.py config.py babel.cfg boot.sh gunicorn.conf.py ./

# Uploaded pictures (AVATAR_DIR's default): a volume, so they outlive the container.
RUN mkdir -p instance/avatars && chown -R microblog:microblog instance
VOLUME ["/home/microblog/instance/avatars"]

USER microblog
EXPOSE 5000
ENTRYPOINT ["./boot.sh"]
