"""The suite's clock: times for tests, built from now and written in China time.

No test writes a calendar date that the real clock will one day pass. A test either builds
its times from now through the ``clock`` fixture::

    starts_at = clock.iso(days=+2, hour=9)        # the day after tomorrow, 09:00 China time
    served_on = clock.day(-3)                     # three days ago (China date), "YYYY-MM-DD"

or, where a calendar date is its subject (a week's deadline, a quarter, an archive's order),
freezes the clock with time-machine's marker and writes its dates inside that test::

    @pytest.mark.time_machine("2026-11-30 09:00 +08:00")
    def test_overdue_after_sunday_night(...): ...

``tests/contracts/test_clock.py`` fails on a date literal anywhere else. Whether time is
frozen or real, ``clock`` reads the same (possibly travelled) ``datetime.now``.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")


class Clock:
    """Moments and dates relative to now; every one is China time (the tenants' default)."""

    def now(self) -> datetime:
        """Now, zone-aware in China time, to the second."""
        return datetime.now(CHINA).replace(microsecond=0)

    def at(self, *, days: int = 0, hours: int = 0, minutes: int = 0, hour: int | None = None,
           minute: int = 0) -> datetime:
        """Now moved by ``days``/``hours``/``minutes``; with ``hour``, that day at hour:minute."""
        moment = self.now() + timedelta(days=days, hours=hours, minutes=minutes)
        if hour is not None:
            moment = moment.replace(hour=hour, minute=minute, second=0)
        return moment

    def iso(self, **moved) -> str:
        """:meth:`at` as ISO 8601 with its +08:00 offset, as the API takes it."""
        return self.at(**moved).isoformat()

    def local(self, **moved) -> str:
        """:meth:`at` without a zone to the minute ("YYYY-MM-DDTHH:MM"), as a page's
        datetime-local field sends it and the API reads it: China time."""
        return self.at(**moved).strftime("%Y-%m-%dT%H:%M")

    def today(self, days: int = 0) -> date:
        """Today's date in China, moved by ``days``."""
        return (self.now() + timedelta(days=days)).date()

    def day(self, days: int = 0) -> str:
        """:meth:`today` as "YYYY-MM-DD"."""
        return self.today(days).isoformat()

    def monday(self, weeks: int = 0) -> date:
        """The Monday that starts this week in China, moved by ``weeks``."""
        today = self.today()
        return today - timedelta(days=today.weekday()) + timedelta(weeks=weeks)

    def quarter(self, quarters: int = 0) -> str:
        """This quarter in China as "YYYY-Qn", moved by ``quarters``."""
        today = self.today()
        index = today.year * 4 + (today.month - 1) // 3 + quarters
        return f"{index // 4}-Q{index % 4 + 1}"

    def month_start(self, months: int = 0) -> date:
        """The first day of this month in China, moved by ``months``."""
        today = self.today()
        index = today.year * 12 + today.month - 1 + months
        return date(index // 12, index % 12 + 1, 1)
