"""A stand-in database backend for when Sunlit has neither SUNLIT_DATABASE_URL nor a data folder."""
