# Copyright: voipsec.baresip contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What crossed the wire as media: IPv4/UDP datagrams read from a packet socket.

Without the key this can only describe the packets: RTP framing, sizes, and how
random their payload looks. Encrypted audio is close to 8 bits of entropy per
byte; G.711 of a test tone is far below it.
"""

from __future__ import annotations

import ipaddress
import math
from collections import Counter

# Shannon entropy (bits/byte) above which a payload of >= 100 bytes is taken as ciphertext.
CIPHER_ENTROPY = 6.5


def udp_of(packet):
    """IPv4 packet -> (src, dst, sport, dport, payload) for UDP; None otherwise or if truncated."""
    if len(packet) < 20 or packet[0] >> 4 != 4:
        return None
    ihl = (packet[0] & 0x0F) * 4
    total = int.from_bytes(packet[2:4], "big")
    if ihl < 20 or packet[9] != 17 or len(packet) < ihl + 8 or total < ihl + 8:
        return None
    if int.from_bytes(packet[6:8], "big") & 0x1FFF:  # a later fragment
        return None
    udp = packet[ihl : min(total, len(packet))]
    length = int.from_bytes(udp[4:6], "big")
    if length < 8 or length > len(udp):
        return None
    return (
        str(ipaddress.IPv4Address(packet[12:16])),
        str(ipaddress.IPv4Address(packet[16:20])),
        int.from_bytes(udp[0:2], "big"),
        int.from_bytes(udp[2:4], "big"),
        bytes(udp[8:length]),
    )


def rtp_header(data):
    """{'pt', 'seq', 'ssrc', 'header_len'} for an RTP packet (v2, not RTCP); None otherwise."""
    if len(data) < 12 or data[0] >> 6 != 2:
        return None
    pt = data[1] & 0x7F
    if 64 <= pt <= 95:  # RTCP packet types 192-223 share this range
        return None
    cc = data[0] & 0x0F
    length = 12 + 4 * cc
    if data[0] & 0x10:  # header extension
        if len(data) < length + 4:
            return None
        length += 4 + 4 * int.from_bytes(data[length + 2 : length + 4], "big")
    if len(data) < length:
        return None
    return {
        "pt": pt,
        "seq": int.from_bytes(data[2:4], "big"),
        "ssrc": int.from_bytes(data[8:12], "big"),
        "header_len": length,
    }


def entropy(data):
    if not data:
        return 0.0
    n = len(data)
    return -sum(c / n * math.log2(c / n) for c in Counter(data).values())


def summarise(datagrams):
    """Describe UDP payloads: how many are RTP, their sizes, payload types and entropy."""
    rtp = []
    for data in datagrams:
        header = rtp_header(data)
        if header:
            rtp.append((header, data[header["header_len"] :]))
    sizes = Counter(h["header_len"] + len(p) for h, p in rtp)
    payload_entropy = [entropy(p) for _header, p in rtp if len(p) >= 100]
    mean = round(sum(payload_entropy) / len(payload_entropy), 2) if payload_entropy else None
    return {
        "datagrams": len(datagrams),
        "rtp_packets": len(rtp),
        "ssrcs": sorted({h["ssrc"] for h, _payload in rtp}),
        "payload_types": sorted({h["pt"] for h, _payload in rtp}),
        "sizes": dict(sorted((str(k), v) for k, v in sizes.items())),
        "mean_payload_entropy": mean,
        "looks_encrypted": mean is not None and mean >= CIPHER_ENTROPY,
    }
