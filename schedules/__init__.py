"""The calendar: due-post dispatch, time parsing in the office's zone, calendar views."""
