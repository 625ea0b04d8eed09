"""`python -m sunlit`: the `sunlit` command (child processes the server starts use it)."""

from sunlit.cli import main

main()
