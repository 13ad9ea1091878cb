"""Who is signed in: password (hash in secrets.toml) or Streamlit's OIDC sign-in.

Looking is open to everyone. Importing, editing the registry, restoring a
version and saving a what-if need :func:`identity`; the pages that only do
that are not even registered for a signed-out visitor (``app.py``), so their
address leads nowhere. The rules are :mod:`geo.access.auth`; this module keeps the
session state and draws the forms.
"""

from __future__ import annotations

import secrets as random

import streamlit as st

from geo.access.auth import (
    AuthConfig,
    AuthConfigError,
    Identity,
    LoginThrottle,
    load_config,
    oidc_identity,
    sign_in,
)
from ui.markdown import md

IDENTITY = "identity"
"""Session key: the :class:`geo.access.auth.Identity` of a password sign-in."""


@st.cache_resource
def throttle() -> LoginThrottle:
    """Failures counted for the whole server, so that new sessions do not reset them."""
    return LoginThrottle()


def config() -> tuple[AuthConfig, str]:
    """The sign-in configuration, and a French problem to show (empty when fine)."""
    try:
        values = st.secrets.to_dict()
    except Exception:  # no secrets.toml at all: nobody can sign in, and we say so
        values = {}
    try:
        return load_config(values), ""
    except AuthConfigError as error:
        return AuthConfig(), str(error)


def identity() -> Identity | None:
    """The signed-in person, or ``None``."""
    auth, _ = config()
    if auth.oidc_enabled and st.user.is_logged_in:
        return oidc_identity(auth, st.user.to_dict()).identity
    found = st.session_state.get(IDENTITY)
    return found if isinstance(found, Identity) else None


def _session_key() -> str:
    if "_signin_key" not in st.session_state:
        st.session_state["_signin_key"] = random.token_hex(8)
    return st.session_state["_signin_key"]


def sidebar_badge() -> None:
    who = identity()
    if who is None:
        st.sidebar.page_link("ui/pages/connexion.py", label="Se connecter", icon=":material/login:")
        return
    st.sidebar.caption(f":material/person: Connecté : {md(who.name)}")


def sign_out() -> None:
    st.session_state.pop(IDENTITY, None)


def signin_page() -> None:
    """The « Connexion » page: password form, OIDC buttons, sign-out."""
    st.title("Connexion")
    st.caption(
        "Regarder la carte est ouvert à tous. Importer des listes, modifier le registre, "
        "restaurer une version ou enregistrer un scénario demandent d'être connecté ; "
        "votre nom est inscrit dans l'historique des versions."
    )
    auth, problem = config()
    if problem:
        st.error(md(problem))
    who = identity()
    if who is not None:
        st.success(f"Connecté : **{md(who.name)}**.")
        if who.method == "oidc":
            st.button("Se déconnecter", on_click=st.logout, key="logout")
        else:
            st.button("Se déconnecter", on_click=sign_out, key="logout")
        return
    if auth.oidc_problem:
        st.warning(md(auth.oidc_problem))
    if auth.oidc_enabled:
        if st.user.is_logged_in:  # signed in at the provider, but not allowed here
            st.error(md(oidc_identity(auth, st.user.to_dict()).message))
            st.button("Se déconnecter", on_click=st.logout, key="logout_oidc")
        else:
            for provider in auth.oidc_providers:
                label = "Se connecter" + (
                    f" avec {provider}" if provider else " (compte de l'organisation)"
                )
                if st.button(label, key=f"oidc_{provider or 'default'}"):
                    st.login(provider)  # None: the unnamed [auth] provider
    if auth.password_enabled:
        with st.form("signin"):
            name = st.text_input(
                "Votre nom" if not auth.accounts else "Nom (ou compte)",
                key="signin_name",
                help="Il figurera dans l'historique des versions que vous enregistrez.",
            )
            password = st.text_input("Mot de passe", type="password", key="signin_password")
            submitted = st.form_submit_button("Se connecter", type="primary")
        if submitted:
            result = sign_in(auth, throttle(), _session_key(), name, password)
            if result.identity is None:
                st.error(md(result.message))
            else:
                st.session_state[IDENTITY] = result.identity
                st.rerun()
    if not auth.enabled:
        st.info(
            "Aucune connexion n'est configurée sur ce serveur : personne ne peut modifier les "
            "données. Voir le README, section « Connexion » (python -m geo hash-password)."
        )


def require_identity() -> Identity:
    """The signed-in person, or stop the page with a French message."""
    who = identity()
    if who is None:
        st.error("Cette page demande d'être connecté.")
        st.page_link("ui/pages/connexion.py", label="Se connecter", icon=":material/login:")
        st.stop()
    return who
