"""« Connexion » page (registered for everyone)."""

from ui.access import signin_page

signin_page()
