"""Teams activities → neutral events: identity, tenant, text and card submissions."""

from __future__ import annotations

import threading
from typing import Any

from botbuilder.schema import Activity
from botframework.connector.auth import AppCredentials, ServiceClientCredentialsFactory

from adapters.teams.activities import event_id_of, is_personal, tenant_of, to_event
from adapters.teams.adapter import PrefetchingCredentialFactory
from core.events import Action, Address, Command, FormSubmission, Profile


def activity(**fields: Any) -> Activity:
    payload: dict[str, Any] = {
        "type": "message", "id": "1700000000001", "serviceUrl": "https://smba.example/",
        "channelId": "msteams",
        "from": {"id": "29:1ada", "name": "Ada", "aadObjectId": "aad-1"},
        "recipient": {"id": "28:bot"},
        "conversation": {"id": "a:1", "conversationType": "personal", "tenantId": "t-conv"},
        "channelData": {"tenant": {"id": "t-data"}},
    }
    payload.update(fields)
    return Activity().deserialize(payload)


def test_the_tenant_comes_from_channel_data_then_from_the_conversation() -> None:
    assert tenant_of(activity()) == "t-data"
    assert tenant_of(activity(channelData={})) == "t-conv"  # rescued from additional_properties
    assert tenant_of(activity(channelData=None, conversation={"id": "a:1"})) == ""


def test_a_typed_message_is_a_command_without_mentions_or_html() -> None:
    event = to_event(activity(text="<at>Turnabout</at> <p>pause&nbsp;until 31 Dec</p>",
                              localTimezone="Europe/Lisbon"))

    assert event == Command(
        Address("teams", "29:1ada", "t-data"), "pause until 31 Dec", "teams:1700000000001",
        Profile(display_name="Ada", timezone="Europe/Lisbon", directory_id="aad-1"))


def test_the_timezone_falls_back_to_the_client_info_entity() -> None:
    event = to_event(activity(text="join", entities=[
        {"type": "mention", "text": "<at>Turnabout</at>"},
        {"type": "clientInfo", "timezone": "Asia/Tokyo"}]))

    assert event is not None and event.profile.timezone == "Asia/Tokyo"


def test_a_card_button_is_an_action() -> None:
    event = to_event(activity(value={"action_id": "membership.leave", "value": "delete"}))

    assert isinstance(event, Action)
    assert (event.action_id, event.value) == ("membership.leave", "delete")


def test_a_card_submission_splits_multi_select_values() -> None:
    event = to_event(activity(value={
        "form_id": "signup", "context": "", "multi_choice": ["teach", "learn"],
        "teach": "ai-digital-tools,social-media", "team": "Sales, EMEA", "consent": True}))

    assert isinstance(event, FormSubmission)
    assert event.form_id == "signup"
    assert event.values == {"teach": ("ai-digital-tools", "social-media"), "learn": (),
                            "team": "Sales, EMEA", "consent": "true"}


def test_event_ids_dedupe_retries_and_survive_odd_ids() -> None:
    assert event_id_of(activity(id="abc")) == "teams:abc"
    assert len(event_id_of(activity(id="x" * 1000))) <= 200
    missing = activity(id=None)
    assert event_id_of(missing) != event_id_of(missing)  # no id, no dedupe


def test_only_one_to_one_chats_count_as_personal() -> None:
    assert is_personal(activity())
    assert not is_personal(activity(conversation={"id": "19:x", "conversationType": "channel"}))
    assert is_personal(activity(channelId="emulator", conversation={"id": "e:1"}))


def test_nothing_to_answer_without_a_sender() -> None:
    assert to_event(activity(**{"from": None})) is None
    assert to_event(activity(type="typing")) is None


class _TokenCounting(AppCredentials):
    def __init__(self) -> None:
        super().__init__(app_id="app")
        self.threads: list[str] = []

    def get_access_token(self, force_refresh: bool = False) -> str:
        self.threads.append(threading.current_thread().name)
        return "token"


class _Factory(ServiceClientCredentialsFactory):
    def __init__(self) -> None:
        self.made = 0

    async def is_valid_app_id(self, app_id: str) -> bool:
        return app_id == "app"

    async def is_authentication_disabled(self) -> bool:
        return False

    async def create_credentials(self, app_id: str, oauth_scope: str, login_endpoint: str,
                                 validate_authority: bool) -> AppCredentials:
        self.made += 1
        return _TokenCounting()


async def test_credentials_are_reused_and_their_tokens_fetched_off_the_event_loop() -> None:
    inner = _Factory()
    factory = PrefetchingCredentialFactory(inner)

    first = await factory.create_credentials("app", "scope", "https://login", True)
    second = await factory.create_credentials("app", "scope", "https://login", True)

    assert first is second and inner.made == 1
    assert isinstance(first, _TokenCounting)
    assert len(first.threads) == 2
    assert threading.main_thread().name not in first.threads
