"""The operator console's API: tenants across the platform, and the operator's sign-in."""
