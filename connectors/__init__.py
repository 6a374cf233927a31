"""The platforms Siaran publishes to. Imports nothing of the orchestrator.

* :mod:`~connectors.registry` — the one list of platforms; everything else derives from it.
* :mod:`~connectors.base` — the connector contract and the code every connector shares.
* :mod:`~connectors.errors` — the error taxonomy connectors raise and the pipeline reads.
* :mod:`~connectors.retry` — the one retry policy: what happens after each kind of error.
* :mod:`~connectors.http` — the rebasing session, HTTP error mapping, in-call retries.
* :mod:`connectors.platforms` — one module per platform.
* :mod:`connectors.sandbox` — the local emulator of every platform.
"""

__all__ = ["base", "errors", "http", "platforms", "registry", "retry", "sandbox"]
