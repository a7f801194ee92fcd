"""Quartiersmonitor Bochum: the indicator engine (no Streamlit in here)."""
