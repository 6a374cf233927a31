"""One module per platform (a connector class each), plus the helpers a platform splits
off: X's text weights, uploads and error mapping; the Graph API client that Facebook and
Instagram share. The registry (:mod:`connectors.registry`) names which class serves which
platform; nothing here lists them."""
