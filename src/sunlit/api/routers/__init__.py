"""The API's routers, one module per domain; `sunlit.api.api` mounts them. A new module adds a file here."""
