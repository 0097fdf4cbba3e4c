"""Settings package: base (secure defaults), dev, test, production."""
