"""Who is signed in: password (hash in secrets.toml) or Streamlit's OIDC sign-in.

Looking is open to everyone. Importing, editing the registry, restoring a
version and saving a what-if need :func:`identity`; the pages that only do
that are not even registered for a signed-out visitor (``app.py``), so their
address leads nowhere. The rules are :mod:`geo.access.auth`; this module keeps the
session state and draws the forms.

A password sign-in is a signed token (:mod:`geo.access.session`), kept in the
session and, under ``python serve.py``, in an ``HttpOnly`` cookie: it survives
reloads, new tabs and restarts for ``session_hours`` (12 by default), and every
page run checks it again, so that « Se déconnecter » in one tab ends it in all.
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
from ui import sessions
from ui.markdown import md

IDENTITY = "identity"
"""Session key: the :class:`geo.access.auth.Identity` of a password sign-in."""
TOKEN = "_signin_token"
"""Session key: the signed token of that sign-in (checked at every run)."""
COOKIE_CHANGE = "_signin_cookie_change"
"""Session key: what the page's element must do with the cookie (set with a ticket, clear)."""


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
    """The signed-in person, or ``None``.

    In order: Streamlit's OIDC sign-in; the token of a sign-in made in this tab;
    the cookie of one made in another tab or before a reload or a restart. A
    token revoked since (« Se déconnecter » anywhere) signs this tab out.
    """
    auth, _ = config()
    if auth.oidc_enabled and st.user.is_logged_in:
        who = oidc_identity(auth, st.user.to_dict()).identity
        if who is not None and sessions.book().check(st.session_state.get(TOKEN)) is None:
            _signed_in(who, auth.session_hours)  # the cookie that lets this browser upload
        return who
    token = st.session_state.get(TOKEN)
    if token is not None:
        session = sessions.book().check(token)
        if session is None:
            _forget()
            return None
        return session.identity
    found = st.session_state.get(IDENTITY)
    if isinstance(found, Identity):  # set by a test, without a token
        return found
    session = sessions.cookie_session()
    return session.identity if session is not None else None


def _forget() -> None:
    for key in (IDENTITY, TOKEN):
        st.session_state.pop(key, None)


def cookie_change() -> dict | None:
    """For the page's element (``ui.shell``): set or clear the cookie, once."""
    return st.session_state.pop(COOKIE_CHANGE, None)


def _client() -> str:
    """Whom failures are counted against: the browser's address, else this session."""
    try:
        address = st.context.ip_address
    except Exception:
        address = None
    return f"ip:{address}" if isinstance(address, str) and address else f"session:{_session_key()}"


def _signed_in(who: Identity, hours: float) -> None:
    token = sessions.book().issue(who, hours)
    st.session_state[IDENTITY] = who
    st.session_state[TOKEN] = token
    ticket = sessions.book().ticket(token)
    st.session_state[COOKIE_CHANGE] = {"id": random.token_hex(8), "ticket": ticket}


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
    """End this person's sign-in in every tab and browser (their tokens are revoked)."""
    who = identity()
    if who is not None:
        sessions.book().revoke(who.name)
    _forget()
    st.session_state[COOKIE_CHANGE] = {"id": random.token_hex(8), "clear": True}


def sign_out_oidc() -> None:
    sign_out()
    st.logout()


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
            st.button("Se déconnecter", on_click=sign_out_oidc, key="logout")
        else:
            st.button("Se déconnecter", on_click=sign_out, key="logout")
            st.caption(
                f"La connexion reste ouverte {_hours(auth.session_hours)} dans ce navigateur "
                "(nouveaux onglets compris), ou jusqu'à « Se déconnecter »."
            )
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
            with st.spinner("Vérification…"):
                result = sign_in(auth, throttle(), _client(), name, password)
            if result.identity is None:
                st.error(md(result.message))
            else:
                _signed_in(result.identity, auth.session_hours)
                st.rerun()
    if not auth.enabled:
        st.info(
            "Aucune connexion n'est configurée sur ce serveur : personne ne peut modifier les "
            "données. Voir le README, section « Connexion » (python -m geo hash-password)."
        )


def _hours(hours: float) -> str:
    if hours < 1:
        return f"{round(hours * 60)} min"
    return f"{hours:g} h".replace(".", ",")


def require_identity() -> Identity:
    """The signed-in person, or stop the page with a French message."""
    who = identity()
    if who is None:
        st.error("Cette page demande d'être connecté.")
        st.page_link("ui/pages/connexion.py", label="Se connecter", icon=":material/login:")
        st.stop()
    return who
