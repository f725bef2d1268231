"""The portal's actions: the only code that writes models and audit rows.

Views, API views and management commands call these with an :class:`Actor` (who, and from
where: ui, api, cli); each action writes its own audit row in its own transaction.
"""
