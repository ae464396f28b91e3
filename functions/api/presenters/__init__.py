"""Each API area's schemas and presenters: its request and response models, declared once, and how views
become them. Route modules import these, never each other."""
