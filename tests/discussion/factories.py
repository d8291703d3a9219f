"""Comments, follows and flags on ideas, the first registered discussable."""

import factory

from civiclab.discussion.models import Comment, Flag, FlagReason, Follow
from tests.challenges.factories import IdeaFactory
from tests.factories import UserFactory


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    target = factory.SubFactory(IdeaFactory)
    author = factory.SubFactory(UserFactory)
    body = factory.Sequence(lambda n: f"Comment number {n}.")


class FollowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Follow

    target = factory.SubFactory(IdeaFactory)
    user = factory.SubFactory(UserFactory)


class FlagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Flag

    item = factory.SubFactory(CommentFactory)
    reporter = factory.SubFactory(UserFactory)
    reason = FlagReason.SPAM
