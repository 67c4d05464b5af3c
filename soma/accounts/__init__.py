"""Users, sign-in and the first administrator; later roles, memberships and the audit trail."""
