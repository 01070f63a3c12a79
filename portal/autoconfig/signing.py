"""Signing Apple configuration profiles (CMS SignedData, DER, content attached).

`cryptography` is not installed here, so the signature comes from the
`openssl cms` command, which every supported platform has.
"""

import shutil
import subprocess
from pathlib import Path

from django.conf import settings


class SigningError(Exception):
    """The profile could not be signed; the certificate or key is unusable."""


def profile_signing_configured() -> bool:
    return bool(settings.PORTAL_PROFILE_SIGNING_CERT and settings.PORTAL_PROFILE_SIGNING_KEY)


def profile_sign(*, profile: bytes, cert: Path, key: Path) -> bytes:
    """The profile wrapped in a CMS signature by `cert` and `key` (PEM files)."""
    openssl = shutil.which("openssl")
    if openssl is None:
        raise SigningError("openssl is not installed")
    command = [
        openssl, "cms", "-sign", "-binary", "-nodetach", "-outform", "DER",
        "-signer", str(cert), "-inkey", str(key),
    ]  # fmt: skip
    try:
        done = subprocess.run(  # noqa: S603 - fixed argument list, no shell
            command, input=profile, capture_output=True, timeout=10, check=False
        )
    except subprocess.TimeoutExpired:
        raise SigningError("openssl cms timed out") from None
    if done.returncode != 0 or not done.stdout:
        raise SigningError(done.stderr.decode(errors="replace").strip()[:500])
    return done.stdout
