"""Amazon States Language: parse, validate and evaluate one step. Pure: no I/O, no clock, no threads."""
