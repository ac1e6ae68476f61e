# Loaded by python3 at start-up because this folder is on PYTHONPATH while the mediasoup 3.8.4 worker
# builds. Its bundled gyp still imports the container ABCs from `collections`, which Python 3.10 removed.
import collections
import collections.abc

for _name in ("MutableSet", "MutableMapping", "Mapping", "Sequence", "Iterable", "Set", "Callable"):
    if not hasattr(collections, _name):
        setattr(collections, _name, getattr(collections.abc, _name))
