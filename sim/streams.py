"""Named random streams: one numpy Generator per decision, all from one root seed.

A stream's seed depends only on the root seed and the stream's name, so adding a stream
or drawing more from one never shifts another: two policies run on the same seed see the
same disputes arise (common random numbers).
"""

from __future__ import annotations

import zlib

import numpy as np


def name_key(name: str) -> int:
    """A stable 32-bit key of a stream name (Python's hash() is salted per process)."""
    return zlib.crc32(name.encode("utf-8"))


class Streams:
    """Lazily created generators, one per name, seeded by (root seed, name)."""

    def __init__(self, seed: int) -> None:
        self.seed = int(seed)
        self._generators: dict[str, np.random.Generator] = {}

    def __getitem__(self, name: str) -> np.random.Generator:
        generator = self._generators.get(name)
        if generator is None:
            sequence = np.random.SeedSequence(entropy=self.seed, spawn_key=(name_key(name),))
            generator = np.random.Generator(np.random.PCG64(sequence))
            self._generators[name] = generator
        return generator

    @property
    def names(self) -> list[str]:
        """Streams used so far, for the manifest."""
        return sorted(self._generators)
