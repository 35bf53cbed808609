"""A module from the SharedLayer: handlers import it as Lambda's /opt/python would give it."""

LAYER_VALUE = "from-the-layer"
