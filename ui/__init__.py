"""The Streamlit side of the app: caching, shared state, widgets and UI text. Pages import from here."""
