"""A throwaway Mastodon-like platform, added by following docs/adding-a-platform.md."""
