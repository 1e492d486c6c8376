import math
import os
import struct

import pytest
from ansible_collections.voipsec.baresip.plugins.module_utils import _rtp_wire, _sdp, _srtp_auth


def ulaw(sample):
    """G.711 mu-law of a 16-bit sample (ITU-T G.711)."""
    sign = 0x80 if sample < 0 else 0
    magnitude = min(abs(sample), 32635) + 0x84
    exponent = max(0, magnitude.bit_length() - 8)
    mantissa = (magnitude >> (exponent + 3)) & 0x0F
    return ~(sign | (exponent << 4) | mantissa) & 0xFF


def tone_frames(count, hz=440, rate=8000, amplitude=8000):
    def sample(k):
        return int(amplitude * math.sin(2 * math.pi * hz * k / rate))

    return [bytes(ulaw(sample(n * 160 + i)) for i in range(160)) for n in range(count)]


def rtp(seq, payload, ssrc=0x0BADCAFE, pt=0):
    return struct.pack("!BBHII", 0x80, pt, seq, seq * 160, ssrc) + payload


def ipv4_udp(payload, src="10.89.0.2", dst="10.89.0.3", sport=10000, dport=10002, flags_frag=0x4000):
    udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    header = struct.pack(
        "!BBHHHBBH4s4s",
        0x45,
        0,
        20 + len(udp),
        1,
        flags_frag,
        64,
        17,
        0,
        bytes(map(int, src.split("."))),
        bytes(map(int, dst.split("."))),
    )
    return header + udp


def test_udp_of_reads_addresses_ports_and_payload():
    assert _rtp_wire.udp_of(ipv4_udp(b"hello")) == ("10.89.0.2", "10.89.0.3", 10000, 10002, b"hello")


@pytest.mark.parametrize(
    "packet",
    [
        b"",
        b"\x45",
        b"\x60" + bytes(60),  # IPv6
        ipv4_udp(b"x" * 40)[:25],  # truncated inside the UDP header
        ipv4_udp(b"x", flags_frag=0x0010),  # a later fragment
        ipv4_udp(b"x")[:9] + b"\x06" + ipv4_udp(b"x")[10:],  # TCP
        os.urandom(3),
    ],
)
def test_udp_of_rejects_garbage_and_truncated_packets(packet):
    assert _rtp_wire.udp_of(packet) is None


def test_udp_of_rejects_a_udp_length_beyond_the_packet():
    packet = bytearray(ipv4_udp(b"abcdef"))
    packet[24:26] = struct.pack("!H", 400)
    assert _rtp_wire.udp_of(bytes(packet)) is None


def test_rtp_header_skips_rtcp_and_short_or_wrong_version_data():
    assert _rtp_wire.rtp_header(rtp(1, b"x" * 160))["ssrc"] == 0x0BADCAFE
    assert _rtp_wire.rtp_header(struct.pack("!BBH", 0x80, 200, 6) + bytes(24)) is None  # RTCP SR
    assert _rtp_wire.rtp_header(b"\x80\x00\x00") is None
    assert _rtp_wire.rtp_header(b"\x40" + bytes(20)) is None
    # extension header announced but missing
    assert _rtp_wire.rtp_header(b"\x90" + bytes(11)) is None


def test_plain_g711_tone_does_not_look_encrypted():
    packets = [rtp(i, f) for i, f in enumerate(tone_frames(50), start=1)]
    facts = _rtp_wire.summarise(packets)
    assert facts["rtp_packets"] == 50
    assert facts["sizes"] == {"172": 50}
    assert facts["payload_types"] == [0]
    assert facts["mean_payload_entropy"] < _rtp_wire.CIPHER_ENTROPY
    assert facts["looks_encrypted"] is False


def test_srtp_protected_tone_looks_encrypted_and_carries_the_80_bit_tag():
    suite = "AES_CM_128_HMAC_SHA1_80"
    key = os.urandom(_sdp.SUITE_KEY_BYTES[suite])
    plain = [rtp(i, f) for i, f in enumerate(tone_frames(50), start=1)]
    facts = _rtp_wire.summarise(_srtp_auth.protect(plain, key, suite))
    assert facts["rtp_packets"] == 50
    assert facts["sizes"] == {"182": 50}
    assert facts["ssrcs"] == [0x0BADCAFE]
    assert facts["looks_encrypted"] is True


def test_nothing_captured_is_not_encrypted():
    facts = _rtp_wire.summarise([])
    assert facts["rtp_packets"] == 0
    assert facts["mean_payload_entropy"] is None
    assert facts["looks_encrypted"] is False


def test_garbage_datagrams_are_not_counted_as_rtp():
    facts = _rtp_wire.summarise([b"", b"\x00" * 200, b"\x40" * 200, b"\x80"])
    assert facts["datagrams"] == 4
    assert facts["rtp_packets"] == 0
