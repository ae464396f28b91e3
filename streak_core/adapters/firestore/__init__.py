"""The Firestore adapters: one module per port, plus the client, paths and document mappings they share."""
