"""Köpkraft's feature packages, one per area (see STYLE.md)."""
