"""Cut a SoundFont 2 file down to a few presets, and read what a preset does per key.

A General MIDI font carries 128 instruments and several drum kits, and a synthesizer that
decodes every sample up front (as TinySoundFont does) pays for all of them. This writes a
valid SF2 in memory holding only the wanted presets, their instruments and the samples
those use, with every index renumbered. Sample data is read through a memory map, so only
the samples that are kept are ever paged in.

:func:`key_map` reads which keys of a preset silence each other (a closed hi-hat stops
the open one) and where a key changes samples with velocity.
"""

from __future__ import annotations

import functools
import mmap
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

GEN_KEY_RANGE = 43
GEN_VEL_RANGE = 44
GEN_INSTRUMENT = 41
GEN_EXCLUSIVE_CLASS = 57
GEN_SAMPLE_ID = 53
SAMPLE_PAD = 46  # zero samples the SF2 spec requires after every sample
ROM_SAMPLE = 0x8000

_PHDR = np.dtype(
    [("name", "S20"), ("preset", "<u2"), ("bank", "<u2"), ("bag", "<u2"),
     ("library", "<u4"), ("genre", "<u4"), ("morphology", "<u4")]
)  # fmt: skip
_BAG = np.dtype([("gen", "<u2"), ("mod", "<u2")])
_MOD = np.dtype([("src", "<u2"), ("dest", "<u2"), ("amount", "<i2"), ("amt_src", "<u2"),
                 ("trans", "<u2")])  # fmt: skip
_GEN = np.dtype([("oper", "<u2"), ("amount", "<u2")])
_INST = np.dtype([("name", "S20"), ("bag", "<u2")])
_SHDR = np.dtype(
    [("name", "S20"), ("start", "<u4"), ("end", "<u4"), ("loop_start", "<u4"),
     ("loop_end", "<u4"), ("rate", "<u4"), ("pitch", "u1"), ("correction", "i1"),
     ("link", "<u2"), ("type", "<u2")]
)  # fmt: skip
_PDTA = {"phdr": _PHDR, "pbag": _BAG, "pmod": _MOD, "pgen": _GEN, "inst": _INST,
         "ibag": _BAG, "imod": _MOD, "igen": _GEN, "shdr": _SHDR}  # fmt: skip


def _chunks(data: bytes | mmap.mmap, start: int, end: int) -> dict[str, tuple[int, int]]:
    """Map each chunk id (or ``LIST`` type) between ``start`` and ``end`` to its body."""
    found: dict[str, tuple[int, int]] = {}
    pos = start
    while pos + 8 <= end:
        cid, size = struct.unpack_from("<4sI", data, pos)
        body = pos + 8
        name = cid.decode("latin-1")
        if name == "LIST":
            name = bytes(data[body : body + 4]).decode("latin-1")
            found.update(_chunks(data, body + 4, body + size))
        found[name] = (body, body + size)
        pos = body + size + (size & 1)
    return found


def _read(data: bytes | mmap.mmap, chunks: dict[str, tuple[int, int]], name: str) -> np.ndarray:
    if name not in chunks:
        raise ValueError(f"SoundFont has no {name} chunk")
    a, b = chunks[name]
    dtype = _PDTA[name]
    return np.frombuffer(bytes(data[a:b]), dtype=dtype, count=(b - a) // dtype.itemsize)


def _open(path: Path) -> tuple[mmap.mmap, dict[str, tuple[int, int]]]:
    with path.open("rb") as fh:
        data = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
    if data[:4] != b"RIFF" or data[8:12] != b"sfbk":
        data.close()
        raise ValueError(f"{path.name} is not a SoundFont 2 file")
    return data, _chunks(data, 12, len(data))


@functools.lru_cache(maxsize=4)
def list_presets(path: Path) -> frozenset[tuple[int, int]]:
    """The ``(bank, program)`` pairs a SoundFont 2 file defines."""
    data, chunks = _open(path)
    try:
        phdr = _read(data, chunks, "phdr")[:-1]
        return frozenset((int(p["bank"]), int(p["preset"])) for p in phdr)
    finally:
        data.close()


@dataclass(frozen=True, slots=True)
class KeyMap:
    """What a preset does per key, beyond its sound.

    ``classes`` maps each key of an exclusive class to that class (a positive number;
    keys of one class cut each other off); ``splits`` maps each key played by different
    samples at different velocities to the velocities (MIDI 1..127) where the samples
    change. Keys of no class, or one sound at every velocity, are left out.
    """

    classes: dict[int, int]
    splits: dict[int, tuple[int, ...]]


@functools.lru_cache(maxsize=32)
def key_map(path: Path, preset: tuple[int, int]) -> KeyMap:
    """The :class:`KeyMap` of ``preset`` (``(bank, program)``) in the SoundFont at
    ``path``; an unknown preset gives empty maps."""
    data, chunks = _open(path)
    try:
        tables = {name: _read(data, chunks, name) for name in _PDTA}
    finally:
        data.close()
    phdr, inst = tables["phdr"], tables["inst"]
    found = [i for i in range(len(phdr) - 1)
             if (int(phdr[i]["bank"]), int(phdr[i]["preset"])) == preset]  # fmt: skip
    classes: dict[int, int] = {}
    edges: dict[int, set[int]] = {}
    if not found:
        return KeyMap(classes, {})
    index = found[0]
    preset_zones = _zones(int(phdr[index]["bag"]), int(phdr[index + 1]["bag"]),
                          tables["pbag"], tables["pgen"], tables["pmod"])  # fmt: skip
    for gens, _ in preset_zones:
        instrument = _generator(gens, GEN_INSTRUMENT)
        if instrument is None or instrument >= len(inst) - 1:
            continue  # the global zone, or a broken link
        keys, vels = _range(gens, GEN_KEY_RANGE), _range(gens, GEN_VEL_RANGE)
        zones = _zones(int(inst[instrument]["bag"]), int(inst[instrument + 1]["bag"]),
                       tables["ibag"], tables["igen"], tables["imod"])  # fmt: skip
        default = 0
        for position, (zone_gens, _) in enumerate(zones):
            own = _generator(zone_gens, GEN_EXCLUSIVE_CLASS)
            if _generator(zone_gens, GEN_SAMPLE_ID) is None:
                if position == 0:  # the instrument's global zone sets the default
                    default = own or 0
                continue
            group = default if own is None else own
            low, high = _range(zone_gens, GEN_KEY_RANGE)
            soft, loud = _range(zone_gens, GEN_VEL_RANGE)
            soft, loud = max(soft, vels[0]), min(loud, vels[1])
            for key in range(max(low, keys[0]), min(high, keys[1]) + 1):
                if group > 0:
                    classes.setdefault(key, group)
                edges.setdefault(key, set()).update((soft, loud + 1))
    splits = {key: tuple(sorted(v for v in cuts if 1 < v <= 127))
              for key, cuts in edges.items()}  # fmt: skip
    return KeyMap(classes, {key: cuts for key, cuts in splits.items() if cuts})


def _generator(gens: np.ndarray, oper: int) -> int | None:
    """The amount of generator ``oper`` in a zone, if it has one."""
    hits = np.flatnonzero(gens["oper"] == oper)
    return int(gens["amount"][hits[-1]]) if hits.size else None


def _range(gens: np.ndarray, oper: int) -> tuple[int, int]:
    """A zone's key or velocity range (low, high), everything when it sets none."""
    amount = _generator(gens, oper)
    if amount is None:
        return 0, 127
    return amount & 0xFF, amount >> 8


def _zones(
    bag_start: int, bag_end: int, bags: np.ndarray, gens: np.ndarray, mods: np.ndarray
) -> list[tuple[np.ndarray, np.ndarray]]:
    """The (generators, modulators) of each zone in bags ``bag_start:bag_end``."""
    return [
        (
            gens[bags[b]["gen"] : bags[b + 1]["gen"]].copy(),
            mods[bags[b]["mod"] : bags[b + 1]["mod"]].copy(),
        )
        for b in range(bag_start, bag_end)
    ]


def _pack(
    headers: list[np.void],
    zones: list[list[tuple[np.ndarray, np.ndarray]]],
    link_gen: int,
    remap: dict[int, int],
    *,
    head_dtype: np.dtype,
    terminal_name: bytes,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Renumber headers -> bags -> generators/modulators, with link ids through ``remap``."""
    head = np.zeros(len(headers) + 1, dtype=head_dtype)
    bag_rows: list[tuple[int, int]] = []
    gen_parts: list[np.ndarray] = []
    mod_parts: list[np.ndarray] = []
    n_gen = n_mod = 0
    for i, (header, header_zones) in enumerate(zip(headers, zones, strict=True)):
        head[i] = header
        head["bag"][i] = len(bag_rows)
        for gens, mods in header_zones:
            bag_rows.append((n_gen, n_mod))
            linked = gens["oper"] == link_gen
            gens["amount"][linked] = [remap[int(v)] for v in gens["amount"][linked]]
            gen_parts.append(gens)
            mod_parts.append(mods)
            n_gen += len(gens)
            n_mod += len(mods)
    head["name"][-1] = terminal_name
    head["bag"][-1] = len(bag_rows)
    bag_rows.append((n_gen, n_mod))
    bags = np.array(bag_rows, dtype=_BAG)
    gens_all = np.concatenate([*gen_parts, np.zeros(1, _GEN)])
    mods_all = np.concatenate([*mod_parts, np.zeros(1, _MOD)])
    return head, bags, gens_all, mods_all


def _riff(cid: bytes, body: bytes) -> bytes:
    return cid + struct.pack("<I", len(body)) + body + (b"\0" if len(body) & 1 else b"")


def _copy_samples(
    data: mmap.mmap, smpl: tuple[int, int], shdr: np.ndarray, kept: list[int]
) -> tuple[list[np.ndarray], np.ndarray]:
    """The PCM of the ``kept`` samples, packed, and their headers with shifted offsets."""
    pcm = np.frombuffer(data, dtype="<i2", offset=smpl[0], count=(smpl[1] - smpl[0]) // 2)
    new_shdr = np.zeros(len(kept) + 1, dtype=_SHDR)
    parts: list[np.ndarray] = []
    offset = 0
    for j, s in enumerate(kept):
        row = shdr[s].copy()
        start, end = int(row["start"]), min(int(row["end"]), len(pcm))
        if row["type"] & ROM_SAMPLE or end <= start:
            start = end = 0
        parts += [np.array(pcm[start:end]), np.zeros(SAMPLE_PAD, dtype="<i2")]
        shift = offset - start
        for key in ("loop_start", "loop_end"):
            row[key] = int(np.clip(int(row[key]) + shift, offset, offset + end - start))
        row["start"], row["end"] = offset, offset + end - start
        new_shdr[j] = row
        offset += end - start + SAMPLE_PAD
    new_shdr["name"][-1] = b"EOS"
    del pcm  # release the memory map before it is closed
    return parts, new_shdr


def subset_sf2(path: Path, presets: Sequence[tuple[int, int]]) -> bytes:
    """The bytes of an SF2 file holding only ``presets`` (``(bank, program)``) of ``path``.

    Raises ``ValueError`` when the file is not a SoundFont 2 or holds none of them.
    """
    data, chunks = _open(path)
    try:
        tables = {name: _read(data, chunks, name) for name in _PDTA}
        phdr, shdr = tables["phdr"], tables["shdr"]
        wanted = set(presets)
        chosen = [i for i in range(len(phdr) - 1)
                  if (int(phdr[i]["bank"]), int(phdr[i]["preset"])) in wanted]  # fmt: skip
        if not chosen:
            raise ValueError("none of the wanted presets is in the SoundFont")

        p_zones = [_zones(int(phdr[i]["bag"]), int(phdr[i + 1]["bag"]), tables["pbag"],
                          tables["pgen"], tables["pmod"]) for i in chosen]  # fmt: skip
        inst_ids = sorted({int(g["amount"]) for z in p_zones for gens, _ in z
                           for g in gens if g["oper"] == GEN_INSTRUMENT})  # fmt: skip
        inst = tables["inst"]
        i_zones = [_zones(int(inst[i]["bag"]), int(inst[i + 1]["bag"]), tables["ibag"],
                          tables["igen"], tables["imod"]) for i in inst_ids]  # fmt: skip
        sample_ids = {int(g["amount"]) for z in i_zones for gens, _ in z
                      for g in gens if g["oper"] == GEN_SAMPLE_ID}  # fmt: skip
        # Keep both halves of stereo pairs so sample links stay valid.
        sample_ids |= {int(shdr[s]["link"]) for s in sample_ids
                       if int(shdr[s]["link"]) < len(shdr) - 1}  # fmt: skip
        kept = sorted(sample_ids)

        parts, new_shdr = _copy_samples(data, chunks["smpl"], shdr, kept)
        sample_map = {s: j for j, s in enumerate(kept)}
        for j, s in enumerate(kept):
            new_shdr["link"][j] = sample_map.get(int(shdr[s]["link"]), 0)

        inst_map = {s: j for j, s in enumerate(inst_ids)}
        p_head, p_bag, p_gen, p_mod = _pack(
            [phdr[i] for i in chosen], p_zones, GEN_INSTRUMENT, inst_map,
            head_dtype=_PHDR, terminal_name=b"EOP",
        )  # fmt: skip
        i_head, i_bag, i_gen, i_mod = _pack(
            [inst[i] for i in inst_ids], i_zones, GEN_SAMPLE_ID, sample_map,
            head_dtype=_INST, terminal_name=b"EOI",
        )  # fmt: skip

        info_a, info_b = chunks["INFO"]
        info = _riff(b"LIST", b"INFO" + bytes(data[info_a + 4 : info_b]))
    finally:
        data.close()
    sdta = _riff(b"LIST", b"sdta" + _riff(b"smpl", np.concatenate(parts).tobytes()))
    pdta_body = b"pdta" + b"".join(
        _riff(name.encode(), table.tobytes())
        for name, table in (("phdr", p_head), ("pbag", p_bag), ("pmod", p_mod),
                            ("pgen", p_gen), ("inst", i_head), ("ibag", i_bag),
                            ("imod", i_mod), ("igen", i_gen), ("shdr", new_shdr))
    )  # fmt: skip
    return _riff(b"RIFF", b"sfbk" + info + sdta + _riff(b"LIST", pdta_body))
