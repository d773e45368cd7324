"""The .apkg itself: a zip of the collection, the media map and the media files, reproducible.

Entries go in a fixed order with fixed times and permissions.  The collection is deflated at
level 1: on a 10k-section corpus (a 41 MB collection) that is 6.9 MB in 0.17 s, against 6.0 MB in
0.54 s at zlib's default level 6 (4: 6.4 MB in 0.26 s; 9: 6.0 MB in 2.6 s).  A rebuild spends
most of its packaging time here, and Anki unpacks either at once, so speed wins over 15%.
Files (the collection's too) are streamed into the zip, never read whole into memory.
"""

from __future__ import annotations

import json
import shutil
import time
import zipfile
from pathlib import Path
from typing import BinaryIO

__all__ = ["COMPRESS_LEVEL", "write_apkg"]

COMPRESS_LEVEL = 1
_ZIP_EPOCH = 315_532_800  # 1980-01-01, the earliest time a zip entry can hold
_CHUNK = 1 << 20


def write_apkg(collection: Path, media: dict[str, Path], stream: BinaryIO, timestamp: float) -> int:
    """Write the .apkg into `stream`; returns the CRC-32 of the collection file, as zipped."""
    names = sorted(media)
    media_map = json.dumps({str(i): name for i, name in enumerate(names)}).encode("utf-8")
    when = time.gmtime(max(timestamp, _ZIP_EPOCH))[:6]
    with zipfile.ZipFile(stream, "w") as archive:
        crc = _add(archive, _entry("collection.anki2", when), collection)
        archive.writestr(_entry("media", when), media_map, compresslevel=COMPRESS_LEVEL)
        for i, name in enumerate(names):
            _add(archive, _entry(str(i), when), media[name])
    return crc


def _entry(name: str, when: tuple[int, int, int, int, int, int]) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=when)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3
    info.external_attr = 0o644 << 16
    info._compresslevel = COMPRESS_LEVEL  # type: ignore[attr-defined]  # what writestr(compresslevel=) sets
    return info


def _add(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path) -> int:
    """The file at `path` as the entry `info`, the bytes writestr would write; returns its CRC-32."""
    with path.open("rb") as source:
        info.file_size = source.seek(0, 2)  # known up front, as writestr knows it (it decides on zip64)
        source.seek(0)
        with archive.open(info, "w") as entry:
            shutil.copyfileobj(source, entry, _CHUNK)
    return info.CRC
