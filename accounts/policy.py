"""Who must sign in with a second factor, and who may reset whose.

Editors publish under the paper's name and superusers can do anything, so both
always need a second factor. Authors write drafts that an Editor approves, so for
them it is optional unless TWO_FACTOR_REQUIRED_FOR_AUTHORS is set. Staff in no
role, or in one this module does not know, are treated like Editors: desk access
without a known role is no reason to relax. Whoever has enrolled a device must
use it: once enrolled, the password alone never opens the desk again.
"""

from django.conf import settings
from django.contrib.auth.models import Group
from django_otp import user_has_device

from editorial.roles import AUTHORS, EDITORS


def roles_of(user) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def second_factor_required(user) -> bool:
    """Whether `user` needs a second factor for the desk, enrolled yet or not."""
    if user.is_superuser:
        return True
    if not user.is_staff:
        return False  # no desk access: nothing to protect
    if roles_of(user) == {AUTHORS}:
        return settings.TWO_FACTOR_REQUIRED_FOR_AUTHORS
    return True


def must_verify(user) -> bool:
    """Whether a session of `user` must pass a second factor before anything else."""
    return second_factor_required(user) or user_has_device(user)


def resets_others(actor) -> bool:
    """Whether `actor` may reset anyone's second factors (see resettable_by)."""
    return actor.is_superuser or EDITORS in roles_of(actor)


def resettable_by(actor, users):
    """The staff among `users` (a queryset) whose second factors `actor` may reset.

    After a lost phone: an Editor resets an Author's (someone whose only role is
    Authors), a superuser anyone's. Nobody resets their own here; their own page
    removes one device at a time, in a session that passed another.
    """
    users = users.filter(is_staff=True).exclude(pk=actor.pk)
    if not resets_others(actor):
        return users.none()
    if actor.is_superuser:
        return users
    other_roles = Group.objects.exclude(name=AUTHORS)
    return (
        users.filter(is_superuser=False, groups__name=AUTHORS)
        .exclude(groups__in=other_roles)
        .distinct()
    )


def may_reset(actor, target) -> bool:
    return resettable_by(actor, type(target).objects.filter(pk=target.pk)).exists()
