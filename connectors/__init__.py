"""Connector code for Linkwright: plain Python, no Django imports."""
