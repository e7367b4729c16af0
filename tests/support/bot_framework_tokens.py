"""Bot Framework tokens signed by a key botbuilder is made to trust, for authenticated tests.

Microsoft publishes its signing keys at an OpenID endpoint that botbuilder downloads (with
blocking `requests`) and caches per URL. The test puts its own key into that cache instead,
so botbuilder's real validation runs against tokens the test signs. Outgoing, the bot would
ask Entra ID for a token; offline, it gets a fixed one, which the fake connector records.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import jwt
import pytest
from botframework.connector.auth import AuthenticationConstants, MicrosoftAppCredentials
from botframework.connector.auth.jwt_token_extractor import JwtTokenExtractor, _OpenIdMetadata
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from adapters.teams.settings import TeamsSettings

APP_ID = "00000000-0000-0000-0000-00000000b07a"
SETTINGS = TeamsSettings(APP_ID, "not-a-real-secret")
OUTGOING_TOKEN = "token-from-entra"
CHANNEL_ISSUER = AuthenticationConstants.TO_BOT_FROM_CHANNEL_TOKEN_ISSUER
# What Entra puts in tokens for a multi-tenant bot (the botframework.com tenant): the issuer
# of the Bot Framework Emulator's tokens, and of the tokens the bot itself sends to Teams.
ENTRA_ISSUER = "https://sts.windows.net/d6d49420-f39b-4df7-a1dc-d59a935871db/"


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class Signer:
    key: rsa.RSAPrivateKey
    kid: str

    def token(self, service_url: str, **overrides: Any) -> str:
        """A channel token as Teams sends it; `overrides` change or (None) drop claims."""
        now = int(time.time())
        claims: dict[str, Any] = {"iss": CHANNEL_ISSUER, "aud": APP_ID, "serviceurl": service_url,
                                  "nbf": now - 60, "exp": now + 3600}
        claims.update(overrides)
        claims = {name: value for name, value in claims.items() if value is not None}
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": self.kid})

    def header(self, service_url: str, **overrides: Any) -> str:
        return f"Bearer {self.token(service_url, **overrides)}"


@contextmanager
def trusted_signer(monkeypatch: pytest.MonkeyPatch) -> Iterator[Signer]:
    """A key botbuilder trusts for channel and emulator tokens, endorsed for msteams."""
    signer = Signer(new_key(), f"test-{uuid.uuid4().hex[:8]}")
    jwk = RSAAlgorithm.to_jwk(signer.key.public_key(), as_dict=True)
    jwk.update(kid=signer.kid, use="sig", endorsements=["msteams"])
    for url in (AuthenticationConstants.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL,
                AuthenticationConstants.TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL):
        metadata = _OpenIdMetadata(url)
        metadata.keys, metadata.last_updated = [jwk], datetime.now()
        monkeypatch.setitem(JwtTokenExtractor.metadataCache, url, metadata)
    monkeypatch.setattr(MicrosoftAppCredentials, "get_access_token",
                        lambda _self, force_refresh=False: OUTGOING_TOKEN)
    yield signer


def unsigned_token(service_url: str) -> str:
    """Well-formed, with the right claims, and `alg: none`: no signature at all."""
    now = int(time.time())
    claims = {"iss": CHANNEL_ISSUER, "aud": APP_ID, "serviceurl": service_url,
              "nbf": now - 60, "exp": now + 3600}
    return jwt.encode(claims, None, algorithm="none")
