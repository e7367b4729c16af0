"""Delivery of queued outbox rows: one package so its modules share the `runtime.delivery` logger.

- dispatcher: the passes over the outbox and the sending of posts (Dispatcher).
- claim_feed: claimed rows handed to the senders, the next batch claimed before they run out.
- sent_marks: rows the platform took, recorded as sent a handful per transaction.
- home_views: Slack Home views, built as they go out and paced on their own lane.
- outcomes: what becomes of a row that did not go out (given back, failed) and its lease.

Operators and the fan-out bench listen on `runtime.delivery`; the modules log on its children.
"""
