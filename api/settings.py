"""Runtime configuration, read from the environment (and `.env`) once per process."""

import os
import secrets
from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

# The secret a fresh checkout has: fine for `healthplan demo` (which replaces it with one of its
# own), refused by `healthplan serve`. Anyone who reads this file could sign tokens with it.
DEFAULT_JWT_SECRET = "change-me-in-production-this-is-only-for-local-use"
MIN_JWT_SECRET_BYTES = 32
MAKE_A_SECRET = 'python -c "import secrets; print(secrets.token_urlsafe(48))"'


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    # Unset means: start an embedded PostgreSQL under DATA_DIR (demo and local use only).
    database_url: str | None = None
    data_dir: Path = Path("var")
    # Connections kept open per process. Above pool + overflow, requests wait for one; between
    # the two, each extra connection is opened and closed per use, which under load cost
    # PostgreSQL a fifth of its CPU (a backend started per request). Three processes (two
    # API workers and the job worker) at 25 stay under PostgreSQL's default 100.
    db_pool_size: int = 20
    db_max_overflow: int = 5
    # Pooled connections an API process opens before it serves (0: none, as they are needed).
    # Opened on demand, they all came at once when people did: 200 reporters arriving within
    # 3 s made each process open its whole pool, each connection a new PostgreSQL backend
    # with cold caches, while it served them (form writes' p95 in the first 5 s of a load run
    # 400-1 300 ms).
    db_pool_warm: int = 20
    # Requests an API worker works on at once; more wait their turn, writes first
    # (api.middleware.AdmissionMiddleware). 0: no limit.
    api_concurrency: int = Field(default=8, ge=0)
    # A pooled connection idle this long is pinged before use (see api.db._ping_when_idle).
    db_idle_ping_seconds: float = 10.0
    # A bulk write (over 1 000 values) pauses after each part for this many times as long
    # as the part took while the API is serving people, so an upload does not take the
    # machine from those filling in forms: 3.0 keeps it to about a quarter of one core and
    # takes four times as long; with no one about it runs at full speed. 0: never pause.
    bulk_write_pause: float = 3.0
    # Integrations (API tokens) go one at a time per worker and hold their lane this many
    # times as long as each request took, so their pulls never crowd out people's
    # requests (api.middleware.IntegrationLaneMiddleware). 0: no lane.
    integration_pause: float = 2.0
    # The lane's PostgreSQL backends run this much below the API (nice) where the server is
    # on this machine and may be reniced (api.db.lane_sessionmaker). 0: the API's own pool.
    integration_nice: int = Field(default=10, ge=0, le=19)
    # `healthplan worker` lowers its own CPU priority by this much (nice) at start, so the
    # validation of an upload, in bursts of a second, waits while the API has work. 0: as is.
    worker_nice: int = Field(default=10, ge=0, le=19)
    # The cyclic garbage collector's thresholds in each API process (gc.set_threshold), as
    # JSON: [5000, 5, 1000]. Python's [700, 10, 10] ran a full collection every few seconds
    # under load, each stopping every request in the process for 100-200 ms; these make
    # young collections a few ms and full ones rare (measured: GC time per worker 2.9 s ->
    # 0.7 s over a load run, the same memory). Garbage without cycles is freed at once anyway.
    gc_thresholds: tuple[int, int, int] = (5000, 5, 1000)

    jwt_secret: SecretStr = SecretStr(DEFAULT_JWT_SECRET)
    jwt_algorithm: str = Field(default="HS256", pattern="^HS(256|384|512)$")
    access_token_minutes: int = 30
    refresh_token_days: int = 7

    # Login throttling (api.services.auth, docs/security.md), over failures inside the window:
    # this many from one address for one username lock that pair (429); an address has a
    # larger cap across all usernames; the username alone never locks anyone out, its logins
    # only slow down (0.25 s doubling per failure beyond the first cap, up to the slow-down
    # cap).
    login_max_failures: int = Field(default=5, ge=1)
    login_max_failures_per_client: int = Field(default=30, ge=1)
    login_window_seconds: int = Field(default=900, ge=1)
    login_slowdown_max_seconds: float = Field(default=2.0, ge=0)

    cors_origins: list[str] = []
    log_level: str = "INFO"
    log_json: bool = True

    # Outgoing e-mail; with no SMTP_HOST, messages stay in the outbox marked "skipped".
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = True
    mail_from: str = "healthplan <no-reply@localhost>"
    # Public address of the SPA, for links in e-mails.
    public_url: str = "http://127.0.0.1:8000"

    # Where the built SPA lives; served under / when present.
    spa_dir: Path = Path("frontend/dist")

    max_body_bytes: int = 2 * 1024 * 1024
    # Bulk uploads: the largest accepted file, and the size up to which it is processed inline.
    import_max_bytes: int = 512 * 1024 * 1024
    import_inline_max_bytes: int = 2 * 1024 * 1024
    # What an uploaded XLSX (a zip) may inflate to, checked on the sizes the archive declares
    # when it arrives (before it is queued or parsed) and on the bytes actually inflated while
    # it is read: each member at most xlsx_max_member_bytes and xlsx_max_ratio times its
    # compressed size (members over 1 MB), all members together xlsx_max_expanded_bytes.
    # A 3 MB file whose sheet inflates to 480 MB is refused by either check.
    xlsx_max_member_bytes: int = 384 * 1024 * 1024
    xlsx_max_expanded_bytes: int = 640 * 1024 * 1024
    xlsx_max_ratio: int = 200
    # One file attached to a report (and a legacy Word report to read).
    attachment_max_bytes: int = 20 * 1024 * 1024

    # Signed reports (docs/signing.md). The trust store: a folder of root certificates
    # (PEM/DER: the operator adds the VGCA roots) and CRLs; unset, DATA_DIR/signing/trust.
    signing_trust_dir: Path | None = None
    # A timestamp authority (RFC 3161): signatures are PAdES B-T, and B-LTA (a document
    # timestamp after the revocation data) when that data can be had; unset, B-B / B-LT.
    signing_tsa_url: str | None = None
    # Fetch CRLs and OCSP answers named in certificates when verifying (needs the network);
    # off, revocation is checked only against the CRLs in the trust store, else "unknown".
    signing_fetch_revocation: bool = False
    # A unit's seal, signed on the server: <ORG_UNIT_CODE>.p12 with its password in
    # <ORG_UNIT_CODE>.password beside it (readable by the service only), or a key in a PKCS#11
    # token/HSM: <ORG_UNIT_CODE>.pkcs11 (a PKCS#11 URI: pkcs11:token=…;object=…) with its PIN
    # in <ORG_UNIT_CODE>.pin (mode 600, else refused). Unset: no seals (api/services/seals.py).
    signing_seal_dir: Path | None = None
    # The images a visible signature block shows (docs/signing.md), PNG as Decree 30 asks (a
    # transparent background), checked when used: a signer's handwritten signature in
    # SIGNING_IMAGE_DIR/<username>.png, a unit's seal in SIGNING_SEAL_DIR/<ORG_UNIT_CODE>.png
    # beside its key. Unset or no such file: the block has its text only.
    signing_image_dir: Path | None = None
    # The PKCS#11 module (.so) of the seals' tokens, e.g. /usr/lib/softhsm/libsofthsm2.so or
    # the HSM vendor's; a seal's URI may name its own (module-path=…).
    signing_pkcs11_module: str | None = None
    # A signing session (prepared PDF, digest to sign) is good for this long.
    signing_session_minutes: int = Field(default=15, ge=1, le=1440)

    @property
    def trust_dir(self) -> Path:
        return self.signing_trust_dir or self.data_dir / "signing" / "trust"

    def seal_key(self, org_unit_code: str) -> Path | None:
        """The unit's seal (its organisation key) when the operator has configured one: a
        PKCS#11 URI naming a key in a token or HSM first, else a PKCS#12 file."""
        if self.signing_seal_dir is None:
            return None
        for suffix in (".pkcs11", ".p12"):
            key = self.signing_seal_dir / f"{org_unit_code}{suffix}"
            if key.is_file():
                return key
        return None

    def signature_image(self, username: str) -> Path | None:
        """The image of the signer's handwritten signature, when the operator has put one."""
        return _png(self.signing_image_dir, username)

    def seal_image(self, org_unit_code: str) -> Path | None:
        """The image of the unit's seal, beside its key, when the operator has put one."""
        return _png(self.signing_seal_dir, org_unit_code)


def _png(folder: Path | None, name: str) -> Path | None:
    if folder is None or not name or Path(name).name != name or name.startswith("."):
        return None  # a name that is not one file name never reaches outside the folder
    path = folder / f"{name}.png"
    return path if path.is_file() else None


@lru_cache
def get_settings() -> Settings:
    return Settings()


def jwt_secret_problem(settings: Settings) -> str | None:
    """Why the signing secret must not be used to serve (None when it may)."""
    secret = settings.jwt_secret.get_secret_value()
    if secret == DEFAULT_JWT_SECRET:
        reason = "is the default one, published with the source"
    elif len(secret.encode()) < MIN_JWT_SECRET_BYTES:
        reason = f"is {len(secret.encode())} bytes long"
    else:
        return None
    return (
        f"JWT_SECRET {reason}: anyone who knows or guesses it can sign tokens for any user. "
        f"Set JWT_SECRET (environment or .env) to a random string of at least "
        f"{MIN_JWT_SECRET_BYTES} bytes, made for example with\n    {MAKE_A_SECRET}\n"
        "(`healthplan demo` makes one of its own in DATA_DIR/jwt_secret.)"
    )


def demo_jwt_secret(data_dir: Path) -> str:
    """The demo's signing secret: made at random in DATA_DIR/jwt_secret (readable by its
    owner only) the first time, read from there afterwards."""
    path = data_dir / "jwt_secret"
    if path.exists():
        secret = path.read_text(encoding="utf-8").strip()
        if len(secret.encode()) >= MIN_JWT_SECRET_BYTES:
            return secret
    data_dir.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(secret + "\n")
    os.chmod(path, 0o600)  # a file left by an older run may have had wider rights
    return secret
