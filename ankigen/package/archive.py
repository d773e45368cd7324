"""The .apkg itself: a zip of the collection, the media map and the media files, reproducible.

Entries go in a fixed order with fixed times and permissions.  The collection is deflated at
level 1: on a 10k-section corpus (a 41 MB collection) that is 6.9 MB in 0.17 s, against 6.0 MB in
0.54 s at zlib's default level 6 (4: 6.4 MB in 0.26 s; 9: 6.0 MB in 2.6 s).  A rebuild spends
most of its packaging time here, and Anki unpacks either at once, so speed wins over 15%.
"""

from __future__ import annotations

import json
import time
import zipfile
from pathlib import Path
from typing import BinaryIO

__all__ = ["COMPRESS_LEVEL", "write_apkg"]

COMPRESS_LEVEL = 1
_ZIP_EPOCH = 315_532_800  # 1980-01-01, the earliest time a zip entry can hold


def write_apkg(collection: bytes, media: dict[str, Path], stream: BinaryIO, timestamp: float) -> None:
    names = sorted(media)
    entries: list[tuple[str, bytes]] = [
        ("collection.anki2", collection),
        ("media", json.dumps({str(i): name for i, name in enumerate(names)}).encode("utf-8")),
    ]
    entries += [(str(i), media[name].read_bytes()) for i, name in enumerate(names)]
    when = time.gmtime(max(timestamp, _ZIP_EPOCH))[:6]
    with zipfile.ZipFile(stream, "w") as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            archive.writestr(info, data, compresslevel=COMPRESS_LEVEL)
