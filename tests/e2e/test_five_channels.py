"""One post with an image, published to a channel on every platform (five today) at once
by real processes."""

from __future__ import annotations

import pytest

from connectors import registry
from orchestrator.cli.sample_image import write_flag
from orchestrator.media.server import MediaServer
from tests.fixtures.sandbox import credentials, demo_account
from tests.fixtures.system import running_system

ACCOUNTS = {platform: demo_account(platform) for platform in registry.names()}


@pytest.fixture(scope="module")
def system(tmp_path_factory, redis_url, sandbox_server):
    """A running Siaran whose media store is served for Instagram to fetch."""
    root = tmp_path_factory.mktemp("five")
    media = MediaServer(root / "data").start()
    with running_system(root, redis_url, sandbox_server.url,
                        SIARAN_MEDIA_BASE_URL=media.url) as running:
        yield running
    media.stop()


def test_one_post_with_an_image_reaches_a_channel_on_every_platform(system, sandbox):
    for platform, account in ACCOUNTS.items():
        creds = credentials(platform, account, sandbox.url)
        system.cli("channel", "add", f"{platform}-main", "--platform", platform,
                   "--api-base", sandbox.url, "--rate-limit", "none",
                   *[f"--credential={k}={v}" for k, v in creds.items()])
    image = write_flag(system.root / "bendera.jpg")
    text = "Upacara Hari Pahlawan di halaman kantor, 10 November pukul 08.00 WIB."
    args = ["post", "create", "--title", "Hari Pahlawan", "--text", text, "--pillar",
            "informatif", "--media", str(image), "--alt", "Bendera Merah Putih", "--json"]
    for platform in ACCOUNTS:
        args += ["--channel", f"{platform}-main"]
    post_id = system.json(*args)["id"]
    system.cli("post", "submit", str(post_id))
    system.cli("post", "approve", str(post_id), user="approver")
    system.cli("post", "publish-now", str(post_id))
    shown = system.wait_finished(post_id, timeout=60)
    assert shown["status"] == "published", shown["deliveries"]
    for platform, account in ACCOUNTS.items():
        held = [p for p in sandbox.posts(platform, account) if text in p.text]
        assert len(held) == 1, (platform, [p.text for p in sandbox.posts(platform)])
    delivered = {d["platform"]: d for d in shown["deliveries"]}
    assert set(delivered) == set(ACCOUNTS)
    assert all(d["permalink"] and d["attempts"] == 1 for d in delivered.values())
