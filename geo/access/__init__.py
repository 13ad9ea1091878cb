"""Who may change the data: password and OIDC sign-in, sessions, throttling."""
