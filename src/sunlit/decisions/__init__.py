"""三重一大: major matters, their mandatory stages, meetings, statements, votes, minutes and observers."""
