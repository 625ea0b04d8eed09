"""Staff pages, one module per domain. Each view checks the viewer through selectors and calls one
service; no rules here."""
