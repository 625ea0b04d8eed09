"""Search residents can use (检索): normalised text, a grams index kept on publish, residents' words.

`text` is the pure core (normalising, terms, grams, highlighting), `index` the index in the database
(SQLite FTS5 or PostgreSQL GIN) and its ranked queries, `synonyms` the residents' words staff keep.
"""
