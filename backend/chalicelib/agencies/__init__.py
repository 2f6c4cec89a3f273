"""Agencies: who decides which applications, and how applications reach them."""
