"""Reference implementations of the network and mail backends (standard library only).

Small real HTTP servers that hold state, enforce the contract in
docs/network-backend.openapi.yaml and docs/mail-backend.openapi.yaml (bearer
token, validation, versions) and inject faults switched at run time through
`/_admin/faults`. `make run`, docker-compose, the tests and the benchmarks use them:

    python -m blocking.sync.reference network --port 8101 --token dev-network-token
    python -m blocking.sync.reference mail --port 8102 --token dev-mail-token

They need no Django settings.
"""
