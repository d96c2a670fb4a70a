"""The lowest layer, importable from every package: configuration base and errors, the clock."""
