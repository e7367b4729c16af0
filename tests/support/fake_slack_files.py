"""FakeSlack plus Slack's external file upload, as `files_upload_v2` drives it:

1. files.getUploadURLExternal(filename, length) → an upload_url and a file id;
2. POST the bytes to upload_url (raw or multipart; no token: the URL itself is the key);
3. files.completeUploadExternal(files=[{id, title}], channel_id, initial_comment) shares it.

Slack serves upload URLs from files.slack.com, so the fake serves them from a second small
server. Every step is recorded in `calls` (the upload as "files.upload_url"), and refused the
way Slack refuses it: a length that does not match, completing before uploading, a missing
files:write scope.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from aiohttp import web

from tests.support.fake_slack import Call, FakeSlack, Payload

UPLOAD_METHOD = "files.upload_url"
FILES_SCOPE = "files:write"
ALT_TEXT = 1000  # "alt_txt_too_large" beyond this


@dataclass
class Upload:
    file_id: str
    filename: str
    length: int
    content: bytes | None = None
    title: str = ""
    channel: str | None = None  # where it was shared, once completed
    initial_comment: str = ""
    alt_txt: str = ""


class FakeSlackWithFiles(FakeSlack):
    def __init__(self, *args: Any, scopes: frozenset[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scopes = scopes  # None: every scope the bot asks for was granted
        self.uploads: dict[str, Upload] = {}
        self._upload_runner: web.AppRunner | None = None
        self.upload_base = ""

    async def __aenter__(self) -> FakeSlackWithFiles:
        await super().__aenter__()
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_post("/upload/v1/{file_id}", self._receive_upload)
        self._upload_runner = web.AppRunner(app)
        await self._upload_runner.setup()
        site = web.TCPSite(self._upload_runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.upload_base = f"http://127.0.0.1:{port}"
        return self

    async def __aexit__(self, *exc: type[BaseException] | BaseException | TracebackType | None
                        ) -> None:
        if self._upload_runner is not None:
            await self._upload_runner.cleanup()
        await super().__aexit__(*exc)

    # --- what tests use -------------------------------------------------------------------

    def shared(self, channel: str | None = None) -> list[Upload]:
        """Files completed and shared (into `channel`), in the order they were shared."""
        return [u for u in self.uploads.values()
                if u.channel is not None and (channel is None or u.channel == channel)]

    # --- the Web API methods ----------------------------------------------------------------

    def _missing_scope(self) -> Payload | None:
        if self.scopes is None or FILES_SCOPE in self.scopes:
            return None
        return {"ok": False, "error": "missing_scope", "needed": FILES_SCOPE,
                "provided": ",".join(sorted(self.scopes))}

    def _files_getUploadURLExternal(self, args: Payload) -> Payload:
        refused = self._missing_scope()
        if refused:
            return refused
        filename, length = str(args.get("filename") or ""), str(args.get("length") or "")
        if not filename or not length.isdigit() or int(length) == 0:
            return {"ok": False, "error": "missing_argument"}
        alt = str(args.get("alt_txt") or "")
        if len(alt) > ALT_TEXT:
            return {"ok": False, "error": "alt_txt_too_large"}
        file_id = f"F{next(self._serial):08d}"
        self.uploads[file_id] = Upload(file_id, filename, int(length), alt_txt=alt)
        return {"ok": True, "file_id": file_id,
                "upload_url": f"{self.upload_base}/upload/v1/{file_id}"}

    async def _receive_upload(self, request: web.Request) -> web.Response:
        upload = self.uploads.get(request.match_info["file_id"])
        if request.content_type.startswith("multipart/"):
            reader = await request.multipart()
            part = await reader.next()
            body = await part.read() if part is not None else b""  # type: ignore[union-attr]
        else:
            body = await request.read()
        await self._record(Call(UPLOAD_METHOD, {"file_id": request.match_info["file_id"],
                                                "bytes": len(body)}))
        if upload is None:
            return web.Response(status=404, text="not found")
        if len(body) != upload.length:
            return web.Response(status=400, text="length mismatch")
        upload.content = bytes(body)
        return web.Response(text=f"OK - {len(body)}")

    def _files_completeUploadExternal(self, args: Payload) -> Payload:
        refused = self._missing_scope()
        if refused:
            return refused
        try:
            files = json.loads(args["files"]) if isinstance(args.get("files"), str) else None
        except ValueError:
            files = None
        if not isinstance(files, list) or not files:
            return {"ok": False, "error": "invalid_arguments"}
        uploads = [self.uploads.get(str(f.get("id"))) for f in files if isinstance(f, dict)]
        if len(uploads) != len(files) or any(u is None or u.content is None for u in uploads):
            return {"ok": False, "error": "file_not_found"}
        channel = args.get("channel_id")
        if channel and channel not in self.history:
            return {"ok": False, "error": "channel_not_found"}
        shared = []
        for upload, wanted in zip(uploads, files, strict=True):
            assert upload is not None
            upload.title = str(wanted.get("title") or upload.filename)
            upload.channel, upload.initial_comment = channel, str(args.get("initial_comment") or "")
            shared.append({"id": upload.file_id, "name": upload.filename, "title": upload.title,
                           "size": upload.length})
        if channel:
            self.history[channel].append({"ts": self._ts(), "text": args.get("initial_comment")
                                          or "", "files": shared})
        return {"ok": True, "files": shared}
