"""The calendar: the scheduler loop, due-post dispatch, time parsing in the office's zone
and calendar views.

Sits above the service layer (:mod:`orchestrator.editorial`) and below operations and the
command line.
"""

__all__ = ["calendar", "dispatch", "scheduler", "timeparse"]
