"""The areas of the API: each module holds its handlers, presenters, schemas and `ROUTES`."""
