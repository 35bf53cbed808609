"""The REST API: API Gateway proxy events in, `{"statusCode", "headers", "body"}` out."""
