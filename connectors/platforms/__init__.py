"""One module per platform (a connector class each), plus the helpers a platform splits
off: X's text weights, uploads and error mapping; the Graph API client that Facebook and
Instagram share."""

__all__ = ["facebook", "graph", "instagram", "telegram", "wordpress", "x", "x_errors",
           "x_text", "x_upload"]
