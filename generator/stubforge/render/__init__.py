"""Renderers: models through datamodel-code-generator, everything else through Jinja."""
