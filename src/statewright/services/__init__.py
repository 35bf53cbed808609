"""Local AWS-compatible services, one package each."""
