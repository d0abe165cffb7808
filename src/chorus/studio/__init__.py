"""The studio: a web page to make, watch, hear and browse songs, served at ``/``."""
