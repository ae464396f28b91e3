"""The `api` HTTP function: the request pipeline, and the routes of API.md, one module per area."""
