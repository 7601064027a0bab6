"""Extension objects, created unbound and bound to the app in ``create_app``."""

import warnings

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import Babel
from flask_bootstrap import Bootstrap5
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mail import Mail
from flask_migrate import Migrate
from flask_moment import Moment
from flask_socketio import SocketIO
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

with warnings.catch_warnings():
    # flask-marshmallow (under APIFairy) warns that its optional SQLAlchemy fields are absent; we do not use them.
    warnings.filterwarnings("ignore", "Flask-SQLAlchemy integration requires marshmallow-sqlalchemy")
    from apifairy import APIFairy

# A naming convention makes constraint names, and so migrations, identical on
# SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(so.DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True)
login = LoginManager()
mail = Mail()
moment = Moment()
babel = Babel()
bootstrap = Bootstrap5()
csrf = CSRFProtect()
# Bound by app/realtime.py when SOCKETIO_ENABLED; events go through Redis when REDIS_URL is set.
socketio = SocketIO()
apifairy = APIFairy()
# Limits are settings (RATELIMIT_* in config.py), applied per view with ``limiter.limit``;
# nothing is limited by default, so the static files and polling are never throttled.
limiter = Limiter(key_func=get_remote_address)
