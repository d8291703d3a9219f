"""What discussions hold about a person: exported with "download my data"; follows erased."""

import json

import pytest
from django.core.serializers.json import DjangoJSONEncoder

from civiclab.core import personal_data
from civiclab.discussion.models import Comment, Follow
from tests.discussion.factories import CommentFactory, FlagFactory, FollowFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_comments_follows_and_reports_are_in_the_export_naming_their_object():
    person = UserFactory()
    comment = CommentFactory(author=person, body="My words")
    follow = FollowFactory(user=person)
    FlagFactory(reporter=person, item=comment, note="Mine too")
    exported = personal_data.export_for(person)
    assert exported["discussion.comment"] == [
        {
            "id": comment.pk,
            "on": "idea",
            "on_id": comment.object_id,
            "body": "My words",
            "created_at": comment.created_at,
        }
    ]
    assert exported["discussion.follow"][0]["on"] == "idea"
    assert exported["discussion.follow"][0]["title"] == follow.target.title
    assert exported["discussion.flag"][0]["on"] == "comment"
    json.dumps(exported, cls=DjangoJSONEncoder)  # the download is JSON


def test_erasing_a_person_removes_their_follows_and_keeps_their_comments():
    person = UserFactory()
    CommentFactory(author=person)
    FollowFactory(user=person)
    personal_data.erase_for(person)
    assert not Follow.objects.filter(user=person).exists()
    assert Comment.objects.filter(author=person).exists()
