"""The connector registry."""

from __future__ import annotations

import subprocess
import sys

import pytest

from connectors import registry
from connectors.errors import ConfigError
from connectors.platforms.facebook import FacebookConnector
from connectors.platforms.instagram import InstagramConnector
from connectors.platforms.telegram import TelegramConnector
from connectors.platforms.wordpress import WordPressConnector
from connectors.platforms.x import XConnector
from connectors.registry import CONNECTORS, build_connector


def test_registry_lists_the_platforms_in_registration_order():
    built_in = {"x": XConnector, "facebook": FacebookConnector,
                "instagram": InstagramConnector, "telegram": TelegramConnector,
                "wordpress": WordPressConnector}
    assert registry.names()[:5] == tuple(built_in)
    assert {name: CONNECTORS[name] for name in built_in} == built_in
    assert all(CONNECTORS[name].platform == name for name in registry.names())


def test_listing_platforms_imports_no_client_library():
    code = ("import sys, connectors.registry as r; r.names(); list(r.CONNECTORS); "
            "'x' in r.CONNECTORS; print(sorted({'tweepy', 'facebook', 'twitter_text', "
            "'connectors.platforms.x', 'connectors.sandbox'} & set(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


def test_a_platform_registered_for_a_while_is_listed_then_gone():
    extra = registry.Platform("extra", connector="connectors.platforms.x:XConnector",
                              sandbox="connectors.sandbox.platforms.x:XAPI")
    with registry.registered(extra):
        assert registry.names()[-1] == "extra" and "extra" in registry.CONNECTORS
        assert registry.CONNECTORS["extra"] is XConnector
        with pytest.raises(ConfigError, match="already registered"):
            registry.register(extra)
    assert "extra" not in registry.names() and "extra" not in registry.CONNECTORS
    with pytest.raises(KeyError):
        registry.CONNECTORS["extra"]


def test_unknown_platform_names_the_known_ones():
    with pytest.raises(ConfigError, match=", ".join(sorted(registry.names()))):
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
