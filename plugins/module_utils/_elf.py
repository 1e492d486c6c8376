# Copyright: voipsec.baresip contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What an ELF shared object or executable needs at run time: its DT_NEEDED libraries and the
dynamic symbols it imports (undefined in its .dynsym). Read from the file's bytes, so a host
without binutils can answer. 64- and 32-bit, either byte order."""

from __future__ import annotations

import struct


class ElfError(ValueError):
    """Not an ELF file this reader understands, or a truncated one."""


_DT_NEEDED, _DT_STRTAB = 1, 5
_SHT_DYNSYM, _SHT_DYNAMIC = 11, 6
_SHN_UNDEF = 0


def _unpack(fmt, data, offset):
    try:
        return struct.unpack_from(fmt, data, offset)
    except struct.error as exc:
        raise ElfError(f"truncated ELF file at offset {offset}") from exc


def _cstring(data, offset):
    if offset < 0 or offset >= len(data):
        raise ElfError(f"string offset {offset} outside the file")
    end = data.find(b"\0", offset)
    if end < 0:
        raise ElfError("unterminated string")
    return data[offset:end].decode("ascii", "replace")


def _sections(data, is64, order):
    if is64:
        shoff, shentsize, shnum = _unpack(order + "40xQ10xHH", data, 0)
        fmt = order + "IIQQQQIIQQ"
    else:
        shoff, shentsize, shnum = _unpack(order + "32xI10xHH", data, 0)
        fmt = order + "IIIIIIIIII"
    if not shoff or not shnum:
        raise ElfError("no section headers")
    sections = []
    for i in range(shnum):
        _name, kind, _flags, _addr, offset, size, link, _info, _align, entsize = _unpack(
            fmt, data, shoff + i * shentsize
        )
        sections.append({"type": kind, "offset": offset, "size": size, "link": link, "entsize": entsize})
    return sections


def imports(data: bytes) -> dict:
    """``{"needed": [...], "imports": [...]}`` of the ELF file in ``data`` (sorted, unique)."""
    if len(data) < 16 or data[:4] != b"\x7fELF":
        raise ElfError("not an ELF file")
    if data[4] not in (1, 2) or data[5] not in (1, 2):
        raise ElfError("unknown ELF class or byte order")
    is64, order = data[4] == 2, "<" if data[5] == 1 else ">"
    sections = _sections(data, is64, order)
    dynsym = next((s for s in sections if s["type"] == _SHT_DYNSYM), None)
    if dynsym is None:
        return {"needed": [], "imports": []}
    if dynsym["link"] >= len(sections):
        raise ElfError("dynsym names a string table that does not exist")
    strtab = sections[dynsym["link"]]["offset"]
    sym_fmt, sym_size = (order + "IBBHQQ", 24) if is64 else (order + "IIIBBH", 16)
    names = set()
    for i in range(1, dynsym["size"] // sym_size):
        fields = _unpack(sym_fmt, data, dynsym["offset"] + i * sym_size)
        name, shndx = (fields[0], fields[3]) if is64 else (fields[0], fields[5])
        if shndx == _SHN_UNDEF and name:
            names.add(_cstring(data, strtab + name).split("@")[0])
    needed = []
    dynamic = next((s for s in sections if s["type"] == _SHT_DYNAMIC), None)
    if dynamic is not None:
        dyn_fmt, dyn_size = (order + "qQ", 16) if is64 else (order + "iI", 8)
        dyn_strtab = sections[dynamic["link"]]["offset"] if dynamic["link"] < len(sections) else strtab
        for i in range(dynamic["size"] // dyn_size):
            tag, value = _unpack(dyn_fmt, data, dynamic["offset"] + i * dyn_size)
            if tag == 0:
                break
            if tag == _DT_NEEDED:
                needed.append(_cstring(data, dyn_strtab + value))
    return {"needed": sorted(set(needed)), "imports": sorted(names)}
