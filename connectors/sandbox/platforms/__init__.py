"""One emulated platform per module: its wire format, its accounts and its faults."""

__all__ = ["facebook", "graph", "instagram", "telegram", "wordpress", "wordpress_terms", "x",
           "x_media"]
