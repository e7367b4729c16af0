"""One package per capability. Each declares its commands, buttons, forms and jobs in its
`handlers.register(registry)`; `register_all` is the one list of capabilities."""

from __future__ import annotations

from features.registry import Registry


def register_all(registry: Registry) -> None:
    from features.admin import handlers as admin
    from features.engagement import handlers as engagement
    from features.enrolment import handlers as enrolment
    from features.feedback import handlers as feedback
    from features.journey import handlers as journey
    from features.matching import handlers as matching

    for package in (enrolment, matching, engagement, journey, feedback, admin):
        package.register(registry)
