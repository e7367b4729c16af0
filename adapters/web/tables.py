"""The web chat's own table: who is listed under *Act as*, and how far each has read.

The page lists the people from app.yaml plus everyone added through "Someone new…" (or seeded
by `turnabout demo`), for every browser alike, so the list lives here rather than in one
browser's storage. The migration is storage/migrations/versions/0007_web_chat_people.py.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime


class WebChatPerson(SQLModel, table=True):
    __tablename__ = "web_chat_person"

    user_id: str = Field(primary_key=True, max_length=40)
    name: str = Field(default="", max_length=60)  # "" for people from app.yaml: named there
    added: bool = False  # added at the page or by the demo seed, so listed for everyone
    last_read: int = 0  # the newest web_chat_message id this person has seen
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
