"""What every connector's staged connection test shares.

``stages`` runs a test's stages in order, times each, records its status and detail, stops
at the first failure and skips the rest, and turns the report into the dict the portal
stores and the API returns. ``settings_check`` refuses, before any network stage, settings
only Data Factory could resolve. Each connector keeps its own stages, advice and details.
"""
