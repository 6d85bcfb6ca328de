"""A local test certificate authority for the demo and the tests: a root, certificates for
the demo signers in PKCS#12 files (the "token" the signing client plays), and its CRL, so
the whole signing cycle runs without hardware or network. Never for real signatures."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

DEMO_PASSWORD = b"healthplan"


@dataclass(frozen=True)
class Issued:
    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
    cert: x509.Certificate


def _name(common: str, org: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
            x509.NameAttribute(NameOID.COMMON_NAME, common),
        ]
    )


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def make_root(common: str = "healthplan Demo CA", *, years: int = 10) -> Issued:
    key = _key()
    now = dt.datetime.now(dt.UTC)
    name = _name(common, "healthplan (thử nghiệm)")
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return Issued(key, cert)


def issue(
    ca: Issued,
    common: str,
    org: str,
    *,
    not_before: dt.datetime | None = None,
    not_after: dt.datetime | None = None,
    timestamping: bool = False,
    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey | None = None,
) -> Issued:
    """A signing certificate for a person (non-repudiation, as VGCA's are), or for a
    timestamp authority; for `key` when given (an EC key, say), else a new RSA key."""
    key = key or _key()
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(common, org))
        .issuer_name(ca.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before or now - dt.timedelta(days=1))
        .not_valid_after(not_after or now + dt.timedelta(days=365 * 3))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage(
                [ExtendedKeyUsageOID.TIME_STAMPING]
                if timestamping
                else [ExtendedKeyUsageOID.EMAIL_PROTECTION]
            ),
            critical=timestamping,  # RFC 3161 wants it critical on a TSA's certificate
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()),
            critical=False,
        )
        .sign(ca.key, hashes.SHA256())
    )
    return Issued(key, cert)


def crl(ca: Issued, revoked: Sequence[x509.Certificate] = ()) -> bytes:
    """The CA's revocation list in DER, valid for a year (the demo has no CRL server)."""
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca.cert.subject)
        .last_update(now - dt.timedelta(minutes=5))
        .next_update(now + dt.timedelta(days=365))
        .add_extension(x509.CRLNumber(1), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()),
            critical=False,
        )
    )
    for cert in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(cert.serial_number)
            .revocation_date(now - dt.timedelta(minutes=1))
            .build()
        )
    return builder.sign(ca.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


def p12(holder: Issued, ca: Issued, password: bytes = DEMO_PASSWORD) -> bytes:
    return pkcs12.serialize_key_and_certificates(
        name=holder.cert.subject.rfc4514_string().encode(),
        key=holder.key,
        cert=holder.cert,
        cas=[ca.cert],
        encryption_algorithm=serialization.BestAvailableEncryption(password),
    )


def pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


DEMO_SIGNERS = (
    # username, the certificate's name, its organisation, the file under DATA_DIR/signing/
    ("syt.pgd", "Nguyễn Văn Hùng", "Sở Y tế tỉnh Bắc Ninh", "syt.pgd.p12"),
    ("sonhai.pct", "Nguyễn Văn Hải", "UBND xã Sơn Hải", "sonhai.pct.p12"),
)


def write_demo_ca(folder: Path, trust_dir: Path) -> list[Path]:
    """Create the demo CA once under `folder` (kept on later runs), its root and CRL in the
    trust store, and one PKCS#12 per demo signer (password "healthplan")."""
    folder.mkdir(parents=True, exist_ok=True)
    trust_dir.mkdir(parents=True, exist_ok=True)
    root_pem = trust_dir / "healthplan-demo-ca.pem"
    files = [folder / f for *_, f in DEMO_SIGNERS]
    if root_pem.exists() and all(f.exists() for f in files):
        return files
    ca = make_root()
    root_pem.write_bytes(pem(ca.cert))
    (trust_dir / "healthplan-demo-ca.crl").write_bytes(crl(ca))
    for (_, common, org, _file), path in zip(DEMO_SIGNERS, files, strict=True):
        path.write_bytes(p12(issue(ca, common, org), ca))
        path.chmod(0o600)
    return files
