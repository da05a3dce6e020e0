"""Command-line interface (Typer): thin layer that parses, calls the core and renders."""
