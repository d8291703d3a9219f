"""The demo: a realistic seeded installation, and the commands that run civiclab."""
