"""One module per `gencner` command; cli.py only parses and dispatches."""
