"""Who may change the saved data: a password kept as a hash, or the OIDC sign-in of Streamlit.

Looking is open to everyone; importing, editing, restoring and saving need a
signed-in person, whose name goes into the version history. Two ways, both
configured in ``.streamlit/secrets.toml`` (never committed):

- **password** (works out of the box): ``[couverture_opsn]`` holds
  ``password_hash`` (one shared password; the person types their name) and/or
  ``[couverture_opsn.accounts]`` (one hash per named account). Hashes are
  scrypt with a random salt (``python -m geo hash-password`` makes them);
  comparison is constant-time, and failures slow the next attempts down, per
  client, per account name and for the server, without ever refusing a client
  that has not been failing (:mod:`geo.access.throttle`).
- **OIDC** (``st.login``), used when an ``[auth]`` section is configured as
  Streamlit documents it and Authlib is installed. Since a public provider
  would let anyone in, only the addresses or domains listed in
  ``allowed_emails`` / ``allowed_domains`` may change data (or everyone the
  provider accepts, with ``allow_any_oidc_user = true``).

Pure functions only: the UI keeps the state and calls ``st.login``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import importlib.metadata
import re
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from geo.access.throttle import LoginThrottle

SECTION = "couverture_opsn"
SCHEME = "scrypt"
#: scrypt cost: 2**15 × 8 × 128 bytes = 32 MiB and about 0.1 s per check.
COST = {"n": 2**15, "r": 8, "p": 1}
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024
SALT_BYTES = 16
KEY_BYTES = 32
AUTHLIB_MINIMUM = (1, 3, 2)
OIDC_SHARED_KEYS = ("redirect_uri", "cookie_secret")
OIDC_PROVIDER_KEYS = ("client_id", "client_secret", "server_metadata_url")
DEFAULT_SESSION_HOURS = 12.0
MIN_SESSION_HOURS = 0.1
MAX_SESSION_HOURS = 24.0 * 31


class AuthConfigError(ValueError):
    """``secrets.toml`` holds something unusable (French message, never the secret itself)."""


# --------------------------------------------------------------------------- hashing


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)


def check_new_password(password: str) -> str | None:
    """French reason why a new password is refused, or ``None``."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"mot de passe trop court : au moins {MIN_PASSWORD_LENGTH} caractères."
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"mot de passe trop long : au plus {MAX_PASSWORD_LENGTH} caractères."
    if password.strip() != password:
        return "le mot de passe commence ou finit par une espace : retirez-la."
    return None


def _derive(password: str, salt: bytes, n: int, r: int, p: int, length: int = KEY_BYTES) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8", "surrogatepass"),
        salt=salt,
        n=n,
        r=r,
        p=p,
        maxmem=256 * r * n + 1024 * 1024,
        dklen=length,
    )


def hash_password(password: str, *, cost: Mapping[str, int] = COST) -> str:
    """``scrypt$n=32768,r=8,p=1$<salt>$<key>`` (base64): what goes into ``secrets.toml``."""
    salt = secrets.token_bytes(SALT_BYTES)
    n, r, p = cost["n"], cost["r"], cost["p"]
    key = _derive(password, salt, n, r, p)
    return f"{SCHEME}$n={n},r={r},p={p}${_b64(salt)}${_b64(key)}"


_ENCODED = re.compile(r"^scrypt\$n=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$")


def parse_hash(encoded: str) -> tuple[int, int, int, bytes, bytes]:
    """(n, r, p, salt, key) of a stored hash; :class:`AuthConfigError` if malformed."""
    match = _ENCODED.match(str(encoded).strip())
    if not match:
        raise AuthConfigError(
            "empreinte de mot de passe illisible dans secrets.toml : attendu "
            "« scrypt$n=…,r=…,p=…$…$… » (créez-la avec python -m geo hash-password)."
        )
    n, r, p = (int(g) for g in match.groups()[:3])
    if n < 2**14 or n & (n - 1) or not 1 <= r <= 32 or not 1 <= p <= 16 or n > 2**20:
        raise AuthConfigError(
            "empreinte de mot de passe refusée : coût scrypt hors limites "
            "(n puissance de 2 entre 16384 et 1048576, r ≤ 32, p ≤ 16)."
        )
    try:
        salt, key = _unb64(match.group(4)), _unb64(match.group(5))
    except ValueError as error:
        raise AuthConfigError("empreinte de mot de passe illisible (base64).") from error
    if len(salt) < 8 or not 16 <= len(key) <= 64:
        raise AuthConfigError("empreinte de mot de passe trop courte (sel ou clé).")
    return n, r, p, salt, key


def verify_password(password: str, encoded: str) -> bool:
    """Whether ``password`` matches ``encoded``, compared in constant time."""
    n, r, p, salt, key = parse_hash(encoded)
    too_long = len(password) > MAX_PASSWORD_LENGTH
    candidate = _derive(password[:MAX_PASSWORD_LENGTH], salt, n, r, p, len(key))
    return hmac.compare_digest(candidate, key) and not too_long


# --------------------------------------------------------------------------- configuration


@dataclass(frozen=True)
class AuthConfig:
    """What ``secrets.toml`` allows: password, accounts, OIDC providers and who may edit."""

    password_hash: str = ""
    accounts: Mapping[str, str] = field(default_factory=dict)
    oidc_providers: tuple[str | None, ...] = ()  # None = the unnamed ``[auth]`` provider
    oidc_problem: str = ""  # why OIDC is configured but unusable (French)
    allowed_emails: frozenset[str] = frozenset()
    allowed_domains: frozenset[str] = frozenset()
    allow_any_oidc_user: bool = False
    session_hours: float = DEFAULT_SESSION_HOURS  # how long a sign-in lasts

    @property
    def password_enabled(self) -> bool:
        return bool(self.password_hash or self.accounts)

    @property
    def oidc_enabled(self) -> bool:
        return bool(self.oidc_providers) and not self.oidc_problem

    @property
    def enabled(self) -> bool:
        """Someone can sign in at all (else editing is off, and the UI says how to set it)."""
        return self.password_enabled or self.oidc_enabled


def authlib_available() -> bool:
    """Authlib ≥ 1.3.2 installed (what ``st.login`` needs)."""
    try:
        version = importlib.metadata.version("authlib")
    except importlib.metadata.PackageNotFoundError:
        return False
    numbers = tuple(int(x) for x in re.findall(r"\d+", version)[:3])
    return numbers >= AUTHLIB_MINIMUM


def _oidc_providers(section: Mapping) -> tuple[tuple[str | None, ...], str]:
    missing = [k for k in OIDC_SHARED_KEYS if not section.get(k)]
    if missing:
        return (), f"section [auth] incomplète : {', '.join(missing)} manquant(s)."
    providers: list[str | None] = []
    if all(section.get(k) for k in OIDC_PROVIDER_KEYS):
        providers.append(None)
    for name, value in section.items():
        if isinstance(value, Mapping) and all(value.get(k) for k in OIDC_PROVIDER_KEYS):
            if "_" in name:
                return (), f"fournisseur [auth.{name}] : Streamlit refuse « _ » dans le nom."
            providers.append(name)
    if not providers:
        return (), (
            "section [auth] sans fournisseur complet : client_id, client_secret et "
            "server_metadata_url sont nécessaires."
        )
    return tuple(providers), ""


def _session_hours(value: object) -> float:
    try:
        hours = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        hours = -1.0
    if not MIN_SESSION_HOURS <= hours <= MAX_SESSION_HOURS or isinstance(value, bool):
        raise AuthConfigError(
            f"secrets.toml : session_hours (durée d'une connexion, en heures) doit être un "
            f"nombre entre {MIN_SESSION_HOURS:g} et {MAX_SESSION_HOURS:.0f}.".replace(".", ",", 1)
        )
    return hours


def load_config(secrets_: Mapping, authlib: bool | None = None) -> AuthConfig:
    """Read the sign-in configuration from Streamlit's secrets (any mapping)."""
    own = secrets_.get(SECTION, {}) or {}
    if not isinstance(own, Mapping):
        raise AuthConfigError(f"secrets.toml : [{SECTION}] doit être une section.")
    password_hash = str(own.get("password_hash", "") or "").strip()
    if password_hash:
        parse_hash(password_hash)
    accounts_raw = own.get("accounts", {}) or {}
    if not isinstance(accounts_raw, Mapping):
        raise AuthConfigError(f"secrets.toml : [{SECTION}.accounts] doit être une section.")
    accounts = {}
    for name, encoded in accounts_raw.items():
        parse_hash(str(encoded))
        accounts[str(name)] = str(encoded).strip()
    providers: tuple[str | None, ...] = ()
    problem = ""
    auth = secrets_.get("auth")
    if isinstance(auth, Mapping) and auth:
        providers, problem = _oidc_providers(auth)
        available = authlib_available() if authlib is None else authlib
        if providers and not available:
            problem = (
                "la connexion OIDC demande le paquet Authlib : "
                "pip install -r requirements-oidc.txt, puis relancez l'application."
            )
    return AuthConfig(
        session_hours=_session_hours(own.get("session_hours", DEFAULT_SESSION_HOURS)),
        password_hash=password_hash,
        accounts=accounts,
        oidc_providers=providers,
        oidc_problem=problem,
        allowed_emails=frozenset(e.strip().lower() for e in own.get("allowed_emails", []) or []),
        allowed_domains=frozenset(
            d.strip().lower().lstrip("@") for d in own.get("allowed_domains", []) or []
        ),
        allow_any_oidc_user=bool(own.get("allow_any_oidc_user", False)),
    )


# --------------------------------------------------------------------------- signing in


@dataclass(frozen=True)
class Identity:
    """A signed-in person: the name written in the version history, and how they signed in."""

    name: str
    method: str  # "password", "account" or "oidc"


@dataclass(frozen=True)
class SignIn:
    """The outcome of one attempt: an identity, or a French message (and how long to wait)."""

    identity: Identity | None
    message: str = ""
    retry_after: float = 0.0


_DUMMY = None


def _dummy_hash() -> str:
    """A hash to check against when the account is unknown, so timing does not tell."""
    global _DUMMY
    if _DUMMY is None:
        _DUMMY = hash_password(secrets.token_urlsafe(24))
    return _DUMMY


def clean_name(text: str) -> str | None:
    """A person's name for the history: 2 to 80 printable characters, or ``None``."""
    name = " ".join(str(text).split())
    if not 2 <= len(name) <= 80 or any(not ch.isprintable() for ch in name):
        return None
    return name


def sign_in(
    config: AuthConfig,
    throttle: LoginThrottle,
    client: str,
    name: str,
    password: str,
    *,
    sleep: Callable[[float], None] = time.sleep,
) -> SignIn:
    """Check a password sign-in from ``client`` (its address, or its session when unknown);
    ``name`` is the account, or the person's name (shared password)."""
    if not config.password_enabled:
        return SignIn(None, "Aucun mot de passe n'est configuré (voir le README, « Connexion »).")
    person = clean_name(name)
    if person is None:
        return SignIn(
            None, "Indiquez votre nom (2 à 80 caractères) : il figurera dans l'historique."
        )
    verdict = throttle.check(client, person)
    if verdict.refused:
        wait = verdict.wait
        return SignIn(None, f"Trop de tentatives : réessayez dans {int(wait + 0.999)} s.", wait)
    if verdict.delay:
        sleep(verdict.delay)  # many failures on this server: slowed, never refused
    encoded = config.accounts.get(person)
    method = "account"
    if encoded is None:
        encoded, method = config.password_hash, "password"
    ok = verify_password(password, encoded or _dummy_hash()) and bool(encoded)
    if not ok:
        throttle.failure(client, person)
        delay = throttle.check(client, person).wait
        return SignIn(
            None,
            f"Nom ou mot de passe incorrect. Prochain essai possible dans {int(delay + 0.999)} s.",
            delay,
        )
    throttle.success(client, person)
    return SignIn(Identity(person, method))


def oidc_identity(config: AuthConfig, user: Mapping) -> SignIn:
    """The identity of an OIDC user (``st.user``), if allowed to change data."""
    email = str(user.get("email", "") or "").strip().lower()
    name = clean_name(str(user.get("name", "") or "")) or email or str(user.get("sub", ""))
    allowed = config.allow_any_oidc_user or (
        email
        and bool(user.get("email_verified", True))
        and (email in config.allowed_emails or email.rsplit("@", 1)[-1] in config.allowed_domains)
    )
    if not allowed:
        return SignIn(
            None,
            f"Le compte « {email or name} » est connecté mais n'est pas autorisé à modifier les "
            f"données (liste allowed_emails / allowed_domains de [{SECTION}] dans secrets.toml).",
        )
    label = f"{name} <{email}>" if email and name != email else name
    return SignIn(Identity(label, "oidc"))
