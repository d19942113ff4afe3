"""The contract every resident sign-in provider fulfils."""

from dataclasses import dataclass, field
from datetime import date


class SignInRefused(Exception):
    """Sign-in must stop; `reason` is a short code for logs, the message is shown to the resident."""

    def __init__(self, reason, message=None):
        super().__init__(reason)
        self.reason = reason
        self.message = message


@dataclass
class VerifiedIdentity:
    provider: str
    subject: str
    assurance_level: int
    full_name: str = ""
    address: str = ""
    postal_code: str = ""
    birth_date: date | None = None
    sex: str = ""
    extra: dict = field(default_factory=dict)


class IdentityProvider:
    id: str = ""
    label = ""

    def authorization_url(self, request, redirect_uri) -> str:
        """Remember what the callback must check (in the session) and return where to send the browser."""
        raise NotImplementedError

    def complete(self, request, redirect_uri) -> VerifiedIdentity:
        """Check the callback and return who signed in, or raise SignInRefused."""
        raise NotImplementedError
