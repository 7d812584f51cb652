"""Zip archives people upload (.docx drafts, .xlsx member lists): a zip bomb is refused by its
central directory, before anything is inflated.

Python's zipfile never inflates a member past the size the directory declares (a member that
claims less fails its CRC), so the declared sizes bound what reading the archive costs.
"""

import zipfile

MAX_UNZIPPED_BYTES = 50 * 1024 * 1024
# A member that inflates more than this many times (and past 1 MiB) is a zip bomb; real
# document and spreadsheet XML compresses 5-30 times.
MAX_ZIP_RATIO = 200
_RATIO_CHECK_BYTES = 1024 * 1024


def is_zip_bomb(archive: zipfile.ZipFile) -> bool:
    """True when the archive's members would inflate past MAX_UNZIPPED_BYTES in all, or one of
    them more than MAX_ZIP_RATIO times."""
    members = archive.infolist()
    return sum(m.file_size for m in members) > MAX_UNZIPPED_BYTES or any(
        m.file_size > _RATIO_CHECK_BYTES and m.file_size > MAX_ZIP_RATIO * max(m.compress_size, 1)
        for m in members
    )
