"""What a Task state's `Resource` does: one contract for the in-memory runner and the engine.

`types` holds the contract, `resource` parses Resource ARNs, `registry` resolves and calls
integrations; one module per AWS service integration (`awslambda`, `stepfunctions`).
See docs/integrations.md.
"""
