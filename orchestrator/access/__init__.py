"""Who may do what: roles, the four-eyes rule on approval, and the audit trail of writes.

Every write of the service layer goes through :func:`orchestrator.access.roles.act`, which
authorises the acting user and appends the audit event in the same transaction.
"""

__all__ = ["roles"]
