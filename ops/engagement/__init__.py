"""Engagement read-back: metrics of published posts on a decaying schedule, a daily
audience snapshot per channel, and the reports built on them."""
