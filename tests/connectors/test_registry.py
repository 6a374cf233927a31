"""The connector registry."""

from __future__ import annotations

import pytest

from connectors.errors import ConfigError
from connectors.platforms.facebook import FacebookConnector
from connectors.platforms.instagram import InstagramConnector
from connectors.platforms.telegram import TelegramConnector
from connectors.platforms.wordpress import WordPressConnector
from connectors.platforms.x import XConnector
from connectors.registry import CONNECTORS, build_connector


def test_registry_lists_platforms():
    assert {"x": XConnector, "facebook": FacebookConnector, "instagram": InstagramConnector,
            "telegram": TelegramConnector, "wordpress": WordPressConnector} == CONNECTORS


def test_unknown_platform_names_the_known_ones():
    with pytest.raises(ConfigError, match="facebook, instagram, telegram, wordpress, x"):
        build_connector("myspace", {})


def test_incomplete_credentials_are_refused_without_values():
    with pytest.raises(ConfigError) as info:
        build_connector("x", {"consumer_key": "SECRET-ck"})
    assert "SECRET-ck" not in str(info.value)
    assert "bearer_token" in str(info.value)


def test_build_passes_api_base_and_timeout():
    fb = build_connector("facebook", {"page_id": "1", "page_access_token": "t"},
                         api_base="http://127.0.0.1:1", timeout=3)
    assert fb.api_base == "http://127.0.0.1:1" and fb.timeout == 3
    assert fb.graph.api.version == "v21.0"


@pytest.mark.parametrize(("platform", "needed"), [
    ("instagram", "access_token, ig_user_id"),
    ("telegram", "bot_token, chat_id"),
    ("wordpress", "application_password, site_url, username"),
])
def test_new_platforms_name_their_credentials(platform, needed):
    with pytest.raises(ConfigError, match=needed):
        build_connector(platform, {"unrelated": "SECRET-value"})
