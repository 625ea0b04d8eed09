"""Sunlit (阳光权力运行平台): run public power in the open."""
