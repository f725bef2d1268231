"""What a failed SQL login means: error 18456 and its state, and the other login errors."""

from __future__ import annotations

from typing import Any

STATES_18456 = {
    1: "the server does not say why (the state is hidden from clients)",
    2: "the user name does not exist",
    5: "the user name does not exist",
    6: "a Windows login name was used with SQL authentication",
    7: "the login is disabled (and the password is wrong)",
    8: "the password is wrong",
    9: "the password is not valid",
    11: "the login is valid but has no access to the server",
    12: "the login is valid but has no access to the server",
    13: "the server is paused",
    18: "the password must be changed",
    38: "the login cannot open the database it asked for (missing, or no user in it)",
    40: "the login cannot open its default database",
    58: "the server accepts only Windows (Entra ID) authentication",
    102: "Entra ID authentication failed",
    132: "Entra ID authentication failed",
    133: "Entra ID authentication failed",
}

CHANGES_18456 = {
    2: "Check userName (the login must exist in the server's master database).",
    5: "Check userName (the login must exist in the server's master database).",
    7: "Enable the login (ALTER LOGIN ... ENABLE) and check the password.",
    8: "Type the password again, or point password at the right Key Vault secret.",
    9: "Type the password again.",
    18: "Change the password in SQL Server first, then use the new one here.",
    38: "Check the database name (the SQL pool), and create the user in it: "
    "CREATE USER [{user}] FROM LOGIN [{user}];",
    40: "Check the database name, and create the user in it: "
    "CREATE USER [{user}] FROM LOGIN [{user}];",
    58: "Use a Microsoft Entra ID authentication type, or enable SQL authentication.",
}


def explain_login_error(error: Any, settings: Any) -> tuple[str, str]:
    """(observed, change) for the first error of a login answer."""
    number, state, text = error.number, error.state, " ".join(str(error.text).split())
    if number == 18456:
        meaning = STATES_18456.get(state, "see the server's error log for this state")
        change = CHANGES_18456.get(
            state,
            "Check userName and password, and that the login has a user in the database.",
        ).format(user=settings.user)
        return (f"Login failed (error 18456, state {state}: {meaning}). {text}", change)
    if number == 4060:
        return (
            f"The database {settings.database!r} cannot be opened (error 4060). {text}",
            "Check the database name: it is the dedicated SQL pool's name.",
        )
    if number == 40615 or number == 40914:
        return (
            f"The server's firewall refused this client (error {number}). {text}",
            "Allow the integration runtime's addresses in the server firewall.",
        )
    if number == 40613:
        return (
            f"The database is not available right now (error 40613). {text}",
            "A paused dedicated SQL pool refuses logins: resume it and test again.",
        )
    return (f"Login failed (error {number}, state {state}). {text}", "See the server's message.")
