"""A Said is its English text everywhere a str goes, and keeps what it was made from."""

from __future__ import annotations

import json
import pickle

from connectors.base import MediaItem, RenderedPost
from connectors.errors import ContentRejected, InvalidTransition, ValidationError
from connectors.registry import CONNECTORS
from connectors.wording import Listed, Said, either, word

WEIGHS = "text weighs {length} characters, limit {limit}"


def test_a_said_is_its_english_text_and_keeps_its_template_and_values():
    said = Said(WEIGHS, length=300, limit=280)
    assert said == "text weighs 300 characters, limit 280"
    assert isinstance(said, str) and f"{said}!" == "text weighs 300 characters, limit 280!"
    assert (said.template, said.values) == (WEIGHS, {"length": 300, "limit": 280})
    assert json.dumps({"detail": said}) == '{"detail": "text weighs 300 characters, limit 280"}'
    again = pickle.loads(pickle.dumps(said))
    assert (again, again.template, again.values) == (said, WEIGHS, said.values)


def test_a_said_without_values_is_its_template_and_braces_stay():
    assert Said("nothing to change") == "nothing to change"
    assert Said("{not a value}").template == "{not a value}"


def test_values_are_replaced_inside_nested_said_and_the_template_stays():
    name = Said("media {number} ({file})", number=1, file="ab12.jpg")
    said = Said("{name}: alt text is missing", name=name)
    named = said.replace_in_values("ab12.jpg", "foto.jpg")
    assert named == "media 1 (foto.jpg): alt text is missing"
    assert named.template == said.template and named.values["name"].template == name.template


def test_listed_messages_join_in_english_and_keep_their_parts():
    parts = [Said("title is empty"), Said("no channel given")]
    listed = Listed(parts)
    assert listed == "title is empty; no channel given" and listed.parts == tuple(parts)
    assert pickle.loads(pickle.dumps(listed)).parts == tuple(parts)


def test_errors_say_english_and_keep_the_said():
    moved = InvalidTransition("post", "published", "draft")
    assert str(moved) == "post cannot go from published to draft"
    assert moved.said.template == "{entity} cannot go from {current} to {target}"
    refused = ValidationError(Said("nothing to change"))
    assert str(refused) == "nothing to change" and refused.said.template == "nothing to change"
    assert ValidationError("plain words").said == "plain words"


def test_a_platform_problem_is_a_said_with_the_old_english():
    x = CONNECTORS["x"]
    connector = x(credentials={k: "x" for k in x.credential_keys[0]})
    post = RenderedPost(post_id=1, delivery_id=1, title="", text="x" * 300,
                        media=(MediaItem(path="/srv/media/foto.jpg", size=1000),))
    messages = [p.message for p in connector.validate(post)]
    assert messages == ["text weighs 300 characters, limit 280",
                        "media 1 (foto.jpg): alt text is missing"]
    assert all(isinstance(m, Said) for m in messages)
    rejected = ContentRejected(Listed(messages))
    assert str(rejected) == ("text weighs 300 characters, limit 280; "
                             "media 1 (foto.jpg): alt text is missing")


def test_words_joined_by_or_say_the_english_and_stay_words():
    roles = either(["admin", "approver", "author"])
    assert roles == "admin or approver or author" and roles.template == "{one} or {other}"
    assert roles.values["other"].template == "author" and either(["admin"]) == "admin"
    moved = InvalidTransition("post", "in_review", "published")
    assert [moved.said.values[k].template for k in ("entity", "current", "target")] == [
        "post", "in_review", "published"]
    assert word(roles) is roles
