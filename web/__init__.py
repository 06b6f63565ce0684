"""The web workspace (``karta serve``): pages over the same service layer as the CLI."""
