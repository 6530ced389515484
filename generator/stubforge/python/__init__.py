"""The Python target pass: every Python name and annotation of the generated package."""
