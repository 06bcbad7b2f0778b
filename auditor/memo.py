"""A bounded memo for the caches of a batch, which must not grow with the number of documents."""

from __future__ import annotations


class Memo(dict):
    """A dict that starts over when full (rule sets loaded over and over, as in the tests, must
    not pile up either)."""

    LIMIT = 4096

    def put(self, key, value):
        """self[key] = value, returning value."""
        if len(self) >= self.LIMIT:
            self.clear()
        self[key] = value
        return value

    def of(self, owner, key: tuple, build):
        """build(owner), remembered for (owner, *key). Owners are unhashable (dicts, rules): they are
        keyed by id, and the entry keeps the owner itself, so that a later object given the same id
        is not taken for it."""
        entry = self.get((id(owner), *key))
        if entry is None or entry[0] is not owner:
            entry = self.put((id(owner), *key), (owner, build(owner)))
        return entry[1]
