"""The outbox: rows first (unique key per logical message), claimed and sent second.

- queueing: new rows (one, many, and the "latest state" rows a Home view re-arms).
- claims: claiming due rows under a lease, and recording how a send went.
- counts: unsent rows by state, for metrics and waiting on a backlog.
- redaction: a person's rows emptied of them when their data is deleted.
"""
