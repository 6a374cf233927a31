"""``siaran keys rotate`` while a worker runs: every channel keeps publishing, and the
running worker picks the new key up without a restart."""

from __future__ import annotations

from tests.fixtures.sandbox import credentials
from tests.fixtures.system import running_system

ACCOUNTS = {"x": "1001", "facebook": "555", "telegram": "@setneg", "wordpress": "editor"}


def publish_everywhere(system, text: str) -> dict:
    args = ["post", "create", "--title", "Kunci", "--text", text, "--pillar", "informatif",
            "--json"]
    for platform in ACCOUNTS:
        args += ["--channel", platform]
    post_id = system.json(*args)["id"]
    system.cli("post", "submit", str(post_id))
    system.cli("post", "approve", str(post_id), user="approver")
    system.cli("post", "publish-now", str(post_id))
    return system.wait_finished(post_id, timeout=60)


def test_rotation_keeps_every_channel_publishing(tmp_path, redis_url, sandbox):
    with running_system(tmp_path, redis_url, sandbox.url) as system:
        for platform, account in ACCOUNTS.items():
            creds = credentials(platform, account, sandbox.url)
            system.cli("channel", "add", platform, "--platform", platform, "--api-base",
                       sandbox.url, "--rate-limit", "none",
                       *[f"--credential={k}={v}" for k, v in creds.items()])
        before = publish_everywhere(system, "Sebelum rotasi kunci.")
        assert before["status"] == "published", before["deliveries"]
        rotated = system.json("keys", "rotate")
        assert rotated["channels"] == len(ACCOUNTS)
        after = publish_everywhere(system, "Sesudah rotasi kunci.")
        assert after["status"] == "published", after["deliveries"]
        assert system.json("keys", "show")["database"] == rotated["fingerprint"]
    for platform, account in ACCOUNTS.items():
        texts = [p.text for p in sandbox.posts(platform, account)]
        assert texts == ["Sebelum rotasi kunci.", "Sesudah rotasi kunci."], platform
