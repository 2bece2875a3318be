"""The app's models, one module per feature; each is imported here so Django finds it."""
