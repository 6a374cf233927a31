"""Alerts that reach people: targets (webhook, Telegram, e-mail), the watcher that turns
the publishing state into coalesced events, the sending of their messages with retries,
and the daily digest. Nothing here runs inside the delivery path."""
