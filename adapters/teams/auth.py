"""Who may talk to the bot, and which serviceUrls the bot may call.

Authenticated mode: an activity counts only with a Bot Framework *channel* token whose
`serviceurl` claim names the activity's serviceUrl; replies and stored conversation
references then go only where Microsoft vouched for. Emulator mode (local, no credentials):
only loopback serviceUrls are called, whatever the activity says.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

import jwt
from botbuilder.schema import Activity
from botframework.connector.auth import (
    AuthenticateRequestResult,
    AuthenticationConstants,
    BotFrameworkAuthentication,
)

# Teams signs with this issuer. botbuilder would also take tokens issued for the Emulator and
# for skills, which Entra issues to any holder of our app's credentials (our own outgoing
# tokens included) and which it checks without the serviceurl claim: refused up front.
CHANNEL_ISSUER = AuthenticationConstants.TO_BOT_FROM_CHANNEL_TOKEN_ISSUER
SERVICE_URL_CLAIM = AuthenticationConstants.SERVICE_URL_CLAIM
MAX_HEADER = 8192
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class Unauthorized(Exception):
    """The request does not prove it comes from Teams; the message says why, for the log."""


def _reason(exc: Exception) -> str:
    """One log line, whatever the token's claims held (they are the sender's to choose)."""
    return _CONTROL.sub("?", f"{type(exc).__name__}: {exc}")[:300]


class SigningKeysUnavailable(Exception):
    """Microsoft's signing keys could not be fetched: the token could not be checked at all."""


def is_loopback_url(url: str | None) -> bool:
    host = urlsplit(url or "").hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _channel_token(auth_header: str) -> str:
    """The bearer token, if it is shaped like a token the Teams channel sends."""
    if not auth_header:
        raise Unauthorized("no Authorization header")
    if len(auth_header) > MAX_HEADER:
        raise Unauthorized("Authorization header too long")
    scheme, _, token = auth_header.partition(" ")
    if scheme != "Bearer" or not token or " " in token:
        raise Unauthorized("Authorization is not 'Bearer <token>'")
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as exc:
        raise Unauthorized(f"not a JWT ({type(exc).__name__})") from None
    if not isinstance(claims, dict) or claims.get("iss") != CHANNEL_ISSUER:
        issuer = claims.get("iss") if isinstance(claims, dict) else None
        raise Unauthorized(f"token not issued by the Bot Framework channel (iss={issuer!r:.80})")
    return token


async def authenticate(
    authentication: BotFrameworkAuthentication, activity: Activity, auth_header: str
) -> AuthenticateRequestResult:
    """botbuilder's full check (signature, issuer, audience = our app id, expiry, endorsement,
    serviceurl claim), with every way it can fail sorted into "not Teams" or "cannot check"."""
    _channel_token(auth_header)
    try:
        result = await authentication.authenticate_request(activity, auth_header)
    except PermissionError as exc:  # a claim that does not match (an OSError, hence first)
        raise Unauthorized(_reason(exc)) from None
    except OSError as exc:  # requests' errors are OSErrors: the key download failed
        raise SigningKeysUnavailable(_reason(exc)) from None
    except Exception as exc:
        # PyJWTError for a bad signature or an expired token; plain Exception, IndexError or
        # AttributeError for an unknown key id or a key not endorsed for the channel.
        raise Unauthorized(_reason(exc)) from None
    identity = result.claims_identity
    vouched = identity.claims.get(SERVICE_URL_CLAIM) if identity is not None else None
    # botbuilder compares this too, on the channel path; it is the promise the bot makes
    # ("never call a serviceUrl Microsoft did not vouch for"), so it is checked here as well.
    if not vouched or vouched != activity.service_url:
        raise Unauthorized("the token's serviceurl claim does not match the activity's")
    return result
