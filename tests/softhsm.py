"""SoftHSM2 tokens for the PKCS#11 tests: a token initialised with softhsm2-util, a key issued
by the test CA imported into it (softhsm2-util --import, as an operator would), and its
certificate with the CA's beside it (written through python-pkcs11). Everything that touches
the module runs in a child process, so the tests' own process loads it once, afterwards.
`make test` installs SoftHSM2 (scripts/ensure-softhsm); without it, the tests skip loudly."""

import json
import os
import shutil
import subprocess
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from api import signing_ca

MODULES = (
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/lib64/pkcs11/libsofthsm2.so",
)
SO_PIN = "87654321"


def module_path() -> str:
    """SoftHSM2's PKCS#11 module; skips (with a warning naming the fix) when it is missing."""
    for candidate in (os.environ.get("SOFTHSM2_MODULE"), *MODULES):
        if candidate and Path(candidate).is_file() and shutil.which("softhsm2-util"):
            return candidate
    reason = (
        "SoftHSM2 is not installed: the PKCS#11 tests did NOT run. `make test` installs it "
        "(scripts/ensure-softhsm: apt-get install softhsm2, as root)."
    )
    warnings.warn(reason, stacklevel=2)
    pytest.skip(reason)


@dataclass(frozen=True)
class SoftHsm:
    module: str
    conf: Path  # SOFTHSM2_CONF for every process that opens the tokens

    def env(self) -> dict[str, str]:
        return {**os.environ, "SOFTHSM2_CONF": str(self.conf)}

    def add_token(
        self,
        label: str,
        pin: str,
        holder: signing_ca.Issued,
        chain: list[x509.Certificate],
        key: str,
    ) -> None:
        """A token `label` holding `holder`'s key (label `key`, id 01) and certificate, and the
        CA certificates of its chain."""
        folder = self.conf.parent
        subprocess.run(
            [
                "softhsm2-util",
                "--init-token",
                "--free",
                "--label",
                label,
                "--so-pin",
                SO_PIN,
                "--pin",
                pin,
            ],
            env=self.env(),
            check=True,
            capture_output=True,
        )
        pkcs8 = folder / f"{label}.key.pem"
        pkcs8.write_bytes(
            holder.key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        subprocess.run(
            [
                "softhsm2-util",
                "--import",
                str(pkcs8),
                "--token",
                label,
                "--label",
                key,
                "--id",
                "01",
                "--pin",
                pin,
            ],
            env=self.env(),
            check=True,
            capture_output=True,
        )
        pkcs8.unlink()  # the key now lives in the token only
        der = serialization.Encoding.DER
        certs = [{"label": key, "id": "01", "der": holder.cert.public_bytes(der).hex()}]
        certs += [
            {"label": f"CA {n}", "id": f"c{n}", "der": c.public_bytes(der).hex()}
            for n, c in enumerate(chain)
        ]
        subprocess.run(
            [sys.executable, "-m", "tests.softhsm", self.module, label, pin, json.dumps(certs)],
            env=self.env(),
            check=True,
            capture_output=True,
            cwd=Path(__file__).resolve().parent.parent,
        )


def softhsm(folder: Path) -> SoftHsm:
    module = module_path()
    (folder / "tokens").mkdir(parents=True, exist_ok=True)
    conf = folder / "softhsm2.conf"
    conf.write_text(
        f"directories.tokendir = {folder / 'tokens'}\nobjectstore.backend = file\n"
        "log.level = ERROR\n"
    )
    return SoftHsm(module, conf)


def _write_certificates(module: str, label: str, pin: str, certs: list[dict[str, str]]) -> None:
    import pkcs11
    from asn1crypto import x509 as asn1_x509
    from pkcs11 import Attribute, CertificateType, ObjectClass

    token = pkcs11.lib(module).get_token(token_label=label)
    with token.open(rw=True, user_pin=pin) as session:
        for cert in certs:
            der = bytes.fromhex(cert["der"])
            parsed = asn1_x509.Certificate.load(der)
            session.create_object(
                {
                    Attribute.CLASS: ObjectClass.CERTIFICATE,
                    Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                    Attribute.TOKEN: True,
                    Attribute.LABEL: cert["label"],
                    Attribute.ID: bytes.fromhex(cert["id"]),
                    Attribute.SUBJECT: parsed.subject.dump(),
                    Attribute.ISSUER: parsed.issuer.dump(),
                    Attribute.SERIAL_NUMBER: parsed["tbs_certificate"]["serial_number"].dump(),
                    Attribute.VALUE: der,
                }
            )


if __name__ == "__main__":
    _write_certificates(sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4]))
