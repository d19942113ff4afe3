"""Keys of the development OpenID provider and of our relying-party client, made on first use and
kept in the data folder (never in the repository)."""

import json
import os
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from joserfc.jwk import RSAKey

CLIENT_ID = "smartkoto-development"


def _folder() -> Path:
    folder = Path(settings.DATA_DIR) / "dev-oidc"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _load_or_create(name) -> RSAKey:
    path = _folder() / name
    if not path.exists():
        key = RSAKey.generate_key(2048, parameters={"use": "sig", "alg": "RS256"}, auto_kid=True)
        data = json.dumps(key.as_dict(private=True))
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process made it first; use theirs
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(data)
    for _ in range(50):
        text = path.read_text()
        if text:
            return RSAKey.import_key(json.loads(text))
    raise RuntimeError(f"{path} is empty")


@lru_cache(maxsize=4)
def _cached(name, folder):
    return _load_or_create(name)


def signing_key() -> RSAKey:
    return _cached("provider-signing-key.json", str(_folder()))


def client_key() -> RSAKey:
    return _cached("client-key.json", str(_folder()))


def client_private_pem() -> str:
    return client_key().as_pem(private=True).decode()
