"""Sign-in: hashed password in secrets.toml, throttled failures, OIDC configuration."""

from __future__ import annotations

import io
import subprocess
import sys
import tomllib

import pytest

import geo.access.auth as auth
from geo.access.auth import (
    AuthConfigError,
    hash_password,
    load_config,
    oidc_identity,
    parse_hash,
    sign_in,
    verify_password,
)
from geo.access.throttle import LoginThrottle
from geo.cli import main
from geo.core.paths import ROOT

PASSWORD = "lanterne-bleue-2026"
FAST = {"n": 2**14, "r": 8, "p": 1}


@pytest.fixture(scope="module")
def encoded() -> str:
    return hash_password(PASSWORD, cost=FAST)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_hash_is_salted_scrypt_and_verifies(encoded):
    assert encoded.startswith("scrypt$n=16384,r=8,p=1$")
    assert hash_password(PASSWORD, cost=FAST) != encoded  # a new salt each time
    assert PASSWORD not in encoded
    assert verify_password(PASSWORD, encoded)
    assert not verify_password(PASSWORD + "x", encoded)
    assert not verify_password("", encoded)
    assert not verify_password(PASSWORD + "y" * 5000, encoded)


def test_comparison_is_constant_time(encoded, monkeypatch):
    calls = []
    real = auth.hmac.compare_digest

    def spy(a, b):
        calls.append((len(a), len(b)))
        return real(a, b)

    monkeypatch.setattr(auth.hmac, "compare_digest", spy)
    verify_password("mauvais", encoded)
    assert calls == [(32, 32)]


@pytest.mark.parametrize(
    "bad",
    ["", "sha256$abc", "scrypt$n=1000,r=8,p=1$c2VsZHVzZWw$a2V5a2V5a2V5a2V5a2V5a2V5",
     "scrypt$n=16384,r=8,p=1$$", "scrypt$n=16384,r=8,p=1$c2Vs$a2V5"],
)  # fmt: skip
def test_malformed_hashes_are_refused_in_french(bad):
    with pytest.raises(AuthConfigError) as error:
        parse_hash(bad)
    assert "empreinte" in str(error.value)


def secrets(text: str) -> dict:
    return tomllib.loads(text)


def test_config_from_a_secrets_file(encoded, tmp_path):
    path = tmp_path / "secrets.toml"
    path.write_text(
        f'[couverture_opsn]\npassword_hash = "{encoded}"\n'
        f'allowed_domains = ["declic.fr"]\n\n[couverture_opsn.accounts]\n"Marie" = "{encoded}"\n'
    )
    config = load_config(tomllib.loads(path.read_text()))
    assert config.password_enabled and config.enabled and not config.oidc_enabled
    assert config.accounts == {"Marie": encoded}
    assert config.allowed_domains == {"declic.fr"}
    assert not load_config({}).enabled


def test_oidc_is_used_when_configured(encoded):
    shared = 'redirect_uri = "http://localhost:8501/oauth2callback"\ncookie_secret = "s3cr3t-long-enough"\n'
    provider = 'client_id = "id"\nclient_secret = "x"\nserver_metadata_url = "https://idp.example/.well-known/openid-configuration"\n'
    default = load_config(secrets(f"[auth]\n{shared}{provider}"), authlib=True)
    assert default.oidc_enabled and default.oidc_providers == (None,)
    named = load_config(secrets(f"[auth]\n{shared}\n[auth.microsoft]\n{provider}"), authlib=True)
    assert named.oidc_providers == ("microsoft",)
    no_authlib = load_config(secrets(f"[auth]\n{shared}{provider}"), authlib=False)
    assert not no_authlib.oidc_enabled and "Authlib" in no_authlib.oidc_problem
    incomplete = load_config(secrets(f"[auth]\n{provider}"), authlib=True)
    assert not incomplete.oidc_enabled and "redirect_uri" in incomplete.oidc_problem
    underscore = load_config(secrets(f"[auth]\n{shared}\n[auth.mon_idp]\n{provider}"), authlib=True)
    assert "« _ »" in underscore.oidc_problem


def test_sign_in_with_the_shared_password(encoded):
    clock = Clock()
    throttle = LoginThrottle(clock=clock)
    config = load_config({"couverture_opsn": {"password_hash": encoded}})
    wrong = sign_in(config, throttle, "s", "Marie Dupont", "mauvais")
    assert wrong.identity is None and "incorrect" in wrong.message and wrong.retry_after == 1
    too_soon = sign_in(config, throttle, "s", "Marie Dupont", PASSWORD)
    assert too_soon.identity is None and "Trop de tentatives" in too_soon.message
    clock.now += 1
    ok = sign_in(config, throttle, "s", "  Marie   Dupont ", PASSWORD)
    assert ok.identity.name == "Marie Dupont" and ok.identity.method == "password"
    nameless = sign_in(config, throttle, "s", " ", PASSWORD)
    assert nameless.identity is None and "nom" in nameless.message


def test_thirty_guesses_from_thirty_sessions_do_not_lock_out_the_owner(encoded):
    """Issue 18: thirty wrong guesses from thirty new sessions locked every sign-in for
    minutes, the right password included. Now they slow the owner down, never refuse."""
    clock, pauses = Clock(), []
    throttle = LoginThrottle(clock=clock)
    config = load_config({"couverture_opsn": {"accounts": {"marie": encoded}}})
    for n in range(30):
        guess = sign_in(
            config, throttle, f"ip:10.0.0.{n}", "marie", f"essai {n}", sleep=pauses.append
        )
        assert guess.identity is None
    again = sign_in(config, throttle, "ip:10.0.0.7", "marie", PASSWORD)  # a guesser, right or not
    assert again.identity is None and "Trop de tentatives" in again.message
    pauses.clear()
    owner = sign_in(config, throttle, "ip:192.0.2.1", "marie", PASSWORD, sleep=pauses.append)
    assert owner.identity is not None and owner.identity.name == "marie"
    assert pauses == [throttle.slow]  # slowed by the attack, not refused


def test_sign_in_with_a_named_account(encoded):
    other = hash_password("un-autre-mot-de-passe", cost=FAST)
    config = load_config({"couverture_opsn": {"accounts": {"marie": encoded, "paul": other}}})
    throttle = LoginThrottle(clock=Clock())
    assert sign_in(config, throttle, "s", "marie", PASSWORD).identity.method == "account"
    assert sign_in(config, throttle, "t", "paul", PASSWORD).identity is None
    assert sign_in(config, throttle, "u", "inconnu", PASSWORD).identity is None


def test_no_password_configured_means_nobody_signs_in():
    result = sign_in(load_config({}), LoginThrottle(), "s", "Marie", "n'importe")
    assert result.identity is None and "Aucun mot de passe" in result.message


def test_oidc_users_need_to_be_allowed():
    config = load_config(
        {"couverture_opsn": {"allowed_domains": ["declic.fr"], "allowed_emails": ["x@y.fr"]}}
    )
    assert oidc_identity(config, {"email": "Anne@Declic.fr", "name": "Anne"}).identity.name == (
        "Anne <anne@declic.fr>"
    )
    assert oidc_identity(config, {"email": "x@y.fr"}).identity is not None
    refused = oidc_identity(config, {"email": "pirate@gmail.com", "name": "P"})
    assert refused.identity is None and "pas autorisé" in refused.message
    unverified = oidc_identity(config, {"email": "anne@declic.fr", "email_verified": False})
    assert unverified.identity is None
    anyone = load_config({"couverture_opsn": {"allow_any_oidc_user": True}})
    assert oidc_identity(anyone, {"email": "pirate@gmail.com"}).identity is not None


def test_cli_hash_password_prints_a_usable_secrets_line(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["hash-password", "--stdin"]) == 0
    out = capsys.readouterr().out
    assert PASSWORD not in out
    config = load_config(tomllib.loads(out))
    assert verify_password(PASSWORD, config.password_hash)
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["hash-password", "--stdin", "--account", "Marie Dupont"]) == 0
    config = load_config(tomllib.loads(capsys.readouterr().out))
    assert verify_password(PASSWORD, config.accounts["Marie Dupont"])
    monkeypatch.setattr(sys, "stdin", io.StringIO("court\n"))
    assert main(["hash-password", "--stdin"]) == 2
    assert "trop court" in capsys.readouterr().err


def test_secrets_file_is_never_committed():
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", ".streamlit/secrets.toml"], cwd=ROOT, check=False
    )
    assert ignored.returncode == 0
