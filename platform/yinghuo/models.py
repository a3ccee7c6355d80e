"""Imports every kernel model so ``db.metadata`` is complete (migrations, checks)."""
from .audit import AuditEntry  # noqa: F401
from .people.models import Account, ApiToken, LoginThrottle, Member, MemberRole  # noqa: F401
from .tenancy.models import Tenant, TenantHost, TenantPlugin  # noqa: F401
from .units.models import Unit  # noqa: F401
from .activities.models import Activity, Attendance, Signup  # noqa: F401
from .hours.models import HourRecord, HourTotal  # noqa: F401
from .notifications.models import Notification  # noqa: F401
from .certificates.models import Certificate, VerificationCode  # noqa: F401
from .sheets.models import ExportJob, ImportBatch  # noqa: F401
from .jobs import OutboxJob  # noqa: F401
from .periodic import PeriodicRun  # noqa: F401
from .snapshots import ReportSnapshot  # noqa: F401
