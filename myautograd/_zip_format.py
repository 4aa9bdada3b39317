"""_zip_format: the zip container of torch.save files. ZipWriter lays records out as torch's
miniz-based PyTorchStreamWriter does (STORED, 64-byte aligned payloads via an "FB" extra field,
data descriptors, zip64 end records); ZipReader finds records under the archive's top folder and
validates every declared size against the real file before anything is allocated.
Errors carry torch's messages (RuntimeError) so callers see what torch.load would say."""
import struct
import zipfile
import zlib

_ALIGN = 64
_U32 = 0xFFFFFFFF
_U64 = (1 << 64) - 1
_MINIZ_NOTE = (". This is an internal miniz error. If you are seeing this error, there is a high likelihood that "
               "your checkpoint file is corrupted. This can happen if the checkpoint was not saved properly, was "
               "transferred incorrectly, or the file was modified after saving.")


def _hash_combine(seed, value):
    """c10::hash_combine on uint64 (torch combines record CRCs with it for the serialization id)."""
    return (seed ^ ((value + 0x9E3779B9 + (seed << 6) + (seed >> 2)) & _U64)) & _U64


class ZipWriter:
    """Writes records sequentially to a binary stream (seekable or not): `write_record(name, data)`,
    then `finish()`. Names are prefixed with `<archive_name>/`."""

    def __init__(self, stream, archive_name="archive"):
        self._out = stream
        self._prefix = archive_name + "/"
        self._pos = 0
        self._entries = []  # (full name bytes, crc, size, local header offset, flags)
        self._names = set()
        self._crc_combined = 0
        self._name_combined = 0

    def _write(self, b):
        self._out.write(b)
        self._pos += len(b)

    def write_record(self, name, data):
        if name in self._names:
            raise RuntimeError(f"Tried to serialize file twice: {name}")
        self._names.add(name)
        data = memoryview(data).cast("B")
        full = (self._prefix + name).encode("utf-8")
        size, ofs = len(data), self._pos
        big_size, big_ofs = size >= _U32, ofs >= _U32
        zip64 = b""
        if big_size or big_ofs:
            vals = ([size, size] if big_size else []) + ([ofs] if big_ofs else [])
            zip64 = struct.pack("<HH", 1, 8 * len(vals)) + struct.pack(f"<{len(vals)}Q", *vals)
        start = ofs + 30 + len(full) + len(zip64) + 4
        pad = (-start) % _ALIGN
        extra = zip64 + b"FB" + struct.pack("<H", pad) + b"Z" * pad
        flags = 0x0808 if size else 0x0800  # data descriptor + UTF-8; empty records carry no descriptor
        self._write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 0, flags, 0, 0, 0, 0, 0, 0, len(full), len(extra)))
        self._write(full)
        self._write(extra)
        crc = zlib.crc32(data) & _U32 if size else 0
        if size:
            self._write(data)
            if big_size or big_ofs:
                self._write(struct.pack("<IIQQ", 0x08074B50, crc, size, size))
            else:
                self._write(struct.pack("<IIII", 0x08074B50, crc, size, size))
            self._crc_combined = _hash_combine(self._crc_combined, crc)
        self._name_combined = _hash_combine(self._name_combined, zlib.crc32(name.encode("utf-8")))
        self._entries.append((full, crc, size, ofs, flags))

    def finish(self):
        # torch's id: 20 digits from the record names (ours: CRC-based, torch's: std::hash, so this half
        # differs) and 20 digits of the combined payload CRCs (computed exactly as torch does).
        sid = "%020d%020d" % (self._name_combined, self._crc_combined)
        self.write_record(".data/serialization_id", sid.encode())
        cd_ofs = self._pos
        for full, crc, size, ofs, flags in self._entries:
            vals = ([size, size] if size >= _U32 else []) + ([ofs] if ofs >= _U32 else [])
            extra = struct.pack("<HH", 1, 8 * len(vals)) + struct.pack(f"<{len(vals)}Q", *vals) if vals else b""
            s32 = min(size, _U32)
            self._write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 0, 0, flags, 0, 0, 0, crc, s32, s32,
                                    len(full), len(extra), 0, 0, 0, 0, min(ofs, _U32)))
            self._write(full)
            self._write(extra)
        cd_size, n = self._pos - cd_ofs, len(self._entries)
        z64_ofs = self._pos
        self._write(struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 0x031E, 0x2D, 0, 0, n, n, cd_size, cd_ofs))
        self._write(struct.pack("<IIQI", 0x07064B50, 0, z64_ofs, 1))
        self._write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, min(n, 0xFFFF), min(n, 0xFFFF),
                                min(cd_size, _U32), min(cd_ofs, _U32), 0))


def _miniz_error(what):
    return RuntimeError("PytorchStreamReader failed " + what + _MINIZ_NOTE)


class ZipReader:
    """Random access to the records of a torch zip archive held in a seekable binary file."""

    def __init__(self, fileobj):
        self._f = fileobj
        start = fileobj.tell()
        fileobj.seek(0, 2)
        self._file_size = fileobj.seek(0, 2)
        fileobj.seek(start)
        if self._file_size - start < 22:  # smaller than an end-of-central-directory record (miniz's test)
            raise _miniz_error("reading zip archive: not a ZIP archive")
        try:
            self._zf = zipfile.ZipFile(fileobj, "r")
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError, OverflowError,
                struct.error, NotImplementedError, UnicodeDecodeError):
            raise _miniz_error("reading zip archive: failed finding central directory") from None
        infos = self._zf.infolist()
        if not infos:
            raise _miniz_error("reading zip archive: failed finding central directory")
        first = infos[0].filename
        if "/" not in first:
            raise RuntimeError(f"file in archive is not in a subdirectory: {first}")
        self._prefix = first[:first.index("/") + 1]
        self._infos = {}
        for zi in infos:
            if zi.filename.startswith(self._prefix):
                self._infos.setdefault(zi.filename[len(self._prefix):], zi)
        if "version" not in self._infos and ".data/version" not in self._infos:
            raise RuntimeError('Expected hasRecord("version") to be true, but got false.  (Could this error '
                               'message be improved?  If so, please report an enhancement request to PyTorch.)')

    def has_record(self, name):
        return name in self._infos

    def names(self):
        return list(self._infos)

    def record_size(self, name):
        return self._info(name).file_size

    def _info(self, name):
        zi = self._infos.get(name)
        if zi is None:
            raise _miniz_error(f"locating file {name}: file not found")
        return zi

    def payload_offset(self, name):
        """Offset of a STORED record's first byte in the file, checked against the file's real size so
        a hostile header cannot make us read or map past the end (None for compressed records)."""
        zi = self._info(name)
        if zi.compress_type != zipfile.ZIP_STORED:
            return None
        if zi.compress_size != zi.file_size or not 0 <= zi.header_offset <= self._file_size - 30:
            raise _miniz_error(f"reading file {name}: invalid header or archive is corrupted")
        self._f.seek(zi.header_offset)
        hdr = self._f.read(30)
        if len(hdr) != 30 or hdr[:4] != b"PK\x03\x04":
            raise _miniz_error(f"reading file {name}: invalid header or archive is corrupted")
        nlen, elen = struct.unpack("<HH", hdr[26:30])
        ofs = zi.header_offset + 30 + nlen + elen
        if ofs + zi.file_size > self._file_size:
            raise _miniz_error(f"reading file {name}: invalid header or archive is corrupted")
        return ofs

    def read(self, name):
        """The record's bytes. Declared sizes are checked against the file before reading: a STORED
        record must lie inside the file; a compressed one is inflated in chunks and may not exceed
        its declared size (so memory tracks real data, never a header's claim). CRCs are checked when
        present (torch writes 0 with crc32 disabled)."""
        zi = self._info(name)
        ofs = self.payload_offset(name)
        if ofs is None:
            return self._read_compressed(name, zi)
        self._f.seek(ofs)
        data = self._f.read(zi.file_size)
        if len(data) != zi.file_size:
            raise _miniz_error(f"reading file {name}: invalid header or archive is corrupted")
        if zi.CRC and zlib.crc32(data) & _U32 != zi.CRC:
            raise _miniz_error(f"reading file {name}: CRC-32 check failed")
        return data

    def _read_compressed(self, name, zi):
        if zi.file_size > 1032 * zi.compress_size + 1024:  # deflate cannot expand more than ~1032:1
            raise _miniz_error(f"reading file {name}: invalid header or archive is corrupted")
        chunks, total = [], 0
        try:
            with self._zf.open(zi) as fh:
                while True:
                    c = fh.read(1 << 20)
                    if not c:
                        break
                    total += len(c)
                    if total > zi.file_size:
                        raise zipfile.BadZipFile("record longer than declared")
                    chunks.append(c)
        except (zipfile.BadZipFile, EOFError, OSError, ValueError, OverflowError, struct.error, NotImplementedError,
                zlib.error, UnicodeDecodeError):
            raise _miniz_error(f"reading file {name}: invalid header or archive is corrupted") from None
        if total != zi.file_size:
            raise _miniz_error(f"reading file {name}: invalid header or archive is corrupted")
        return b"".join(chunks)
