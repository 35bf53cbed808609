"""Statewright: serverless business workflows, and a local AWS runtime to run them on one machine."""

__version__ = "0.1.0"
