"""Flask extensions, created unbound and bound in :func:`yinghuo.app.create_app`."""
from flask_babel import Babel
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from .db.base import Base

# Objects stay loaded after commit: a response built after committing must not reload
# every row in a new transaction (the request's session ends with the request anyway).
db = SQLAlchemy(model_class=Base, disable_autonaming=True, session_options={"expire_on_commit": False})
babel = Babel()
csrf = CSRFProtect()
