"""A layer module, so the console shows a function with a layer."""

TAG = "from-the-layer"
