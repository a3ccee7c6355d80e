"""Flask extensions, created unbound and bound in :func:`yinghuo.app.create_app`."""
from flask_babel import Babel
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from .db.base import Base

db = SQLAlchemy(model_class=Base, disable_autonaming=True)
babel = Babel()
csrf = CSRFProtect()
