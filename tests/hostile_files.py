"""Builders of hostile files for the hardening tests (issue 10): small on disk, huge when unpacked."""

from __future__ import annotations

import struct
import zipfile
import zlib

MB = 1024 * 1024


def deflate_bomb(n_mb: int) -> tuple[bytes, int]:
    """A raw deflate stream of n_mb MB of CSV-like text and its CRC, from one flushed block repeated.

    Compressing the real payload would take seconds per GB; a full flush makes each compressed
    block independent, so repeating it gives the same stream in milliseconds.
    """
    block = b"1;2\n" * (MB // 4)
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    piece = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(n_mb):
        crc = zlib.crc32(block, crc)
    return piece * n_mb + b"\x03\x00", crc                   # final empty fixed block


def zip_with(name: str, payload: bytes, crc: int, size: int, method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A one-member ZIP written by hand around an already compressed payload."""
    name_b = name.encode()
    local = struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, method, 0, 0, crc, len(payload),
                        size, len(name_b), 0) + name_b
    central = struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0, method, 0, 0, crc,
                          len(payload), size, len(name_b), 0, 0, 0, 0, 0, 0) + name_b
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, 1, 1, len(central), len(local) + len(payload), 0)
    return local + payload + central + end


def zip_bomb(name: str, n_mb: int) -> bytes:
    """A ZIP whose one member ``name`` expands to n_mb MB (~1 KB per MB on disk)."""
    payload, crc = deflate_bomb(n_mb)
    return zip_with(name, payload, crc, n_mb * MB)
