"""Operations' view of the portal: health probes, Prometheus metrics, request IDs, logs.

Modules: `request_id` (one ID per request or task, in every log record), `logs` (JSON lines,
error webhooks), `metrics` (the /metrics exposition and the request middleware), `health`
(/readyz and the probe middleware). docs/operations.md describes how they are used.
"""
