"""The volunteer portal and the leaders' and admins' activity pages: activities, sign-up, scanning in,
my activities, hours, certificates and messages; the on-site page, approvals, the dashboard."""
