"""The single public query path (DESIGN.md, Visibility).

Every record that could be shown carries an audience and an exemption. The portal and the public
API read only through `public_queryset`, which admits public, unexempted, approved records as
each publishable model defines them. There is no second path: a model that is not registered
here cannot be read publicly at all.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)


class Audience(models.TextChoices):
    PUBLIC = "public", "对外公开"
    INTERNAL = "internal", "内部公开"
    RESTRICTED = "restricted", "限定范围"


class Exemption(models.TextChoices):
    NONE = "none", "无"
    STATE_SECRET = "state_secret", "国家秘密"
    COMMERCIAL_SECRET = "commercial_secret", "商业秘密"
    PERSONAL_PRIVACY = "personal_privacy", "个人隐私"


class Visibility(models.Model):
    """Audience and exemption of a record that could be shown."""

    audience = models.CharField("公开范围", max_length=16, choices=Audience.choices, default=Audience.PUBLIC)
    exemption = models.CharField("豁免情形", max_length=24, choices=Exemption.choices, default=Exemption.NONE)

    class Meta:
        abstract = True


def open_q(prefix: str = "") -> models.Q:
    """The audience/exemption condition, for a record reached through `prefix` (e.g. 'version__')."""
    return models.Q(**{f"{prefix}audience": Audience.PUBLIC, f"{prefix}exemption": Exemption.NONE})


_rules: dict[type[models.Model], Callable[[], models.Q]] = {}


def publishable(rule: Callable[[], models.Q]) -> Callable[[type[M]], type[M]]:
    """Class decorator: register the condition under which rows of a model are public."""

    def register(model: type[M]) -> type[M]:
        _rules[model] = rule
        return model

    return register


def public_queryset(model: type[M]) -> models.QuerySet[M]:
    """All public rows of `model`. Raises for a model that has no public rule."""
    try:
        rule = _rules[model]
    except KeyError:
        raise LookupError(f"{model.__name__} has no public rule and cannot be read publicly") from None
    return model._default_manager.filter(rule())
