"""Connector definitions for Linkwright: plain Python, no Django.

Each connector is one package (schemas per version, UI hints, client, diagnostics,
upgrade rules) listed in :mod:`connectors.registry`.
"""
