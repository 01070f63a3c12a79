"""python -m blocking.sync.reference network|mail [--host --port --token --state-file]"""

from blocking.sync.reference.server import main

if __name__ == "__main__":
    raise SystemExit(main())
