"""AWS wire protocols: HTTP ↔ (operation, input) and results/errors ↔ HTTP, driven by botocore's
service models. One module per protocol; no business logic, no Starlette (plain request and
response records, so the edge and the tests can feed them)."""
