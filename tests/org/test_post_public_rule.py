"""A post of a public unit is public unless marked internal (内部岗位)."""

from __future__ import annotations

from typing import Any

import pytest

from sunlit.core.visibility import public_queryset
from sunlit.org import services
from sunlit.org.models import Post, Unit

pytestmark = pytest.mark.django_db


def test_internal_posts_stay_out_of_the_public_path(county: dict[str, Unit], actor: Any) -> None:
    services.post_create(unit=county["town"], name="党委书记", is_principal=True, actor=actor)
    services.post_create(unit=county["town"], name="机要岗", is_internal=True, actor=actor)
    assert [p.name for p in public_queryset(Post)] == ["党委书记"]


def test_marking_a_post_internal_takes_it_off(county: dict[str, Unit], actor: Any) -> None:
    post = services.post_create(unit=county["town"], name="财政所会计岗", actor=actor)
    assert public_queryset(Post).filter(pk=post.pk).exists()
    services.post_change(post=post, is_internal=True, actor=actor)
    assert not public_queryset(Post).filter(pk=post.pk).exists()
