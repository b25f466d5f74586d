"""This machine's IPv4 addresses, one per network interface, with no dependency.

On Linux, macOS and the BSDs the C library's ``getifaddrs`` lists every interface
with its addresses (called through ctypes: the only layout that differs is the
first bytes of ``struct sockaddr``). Elsewhere (Windows) the host name's addresses
stand in. Nothing here sends a packet or asks a name server.
"""

from __future__ import annotations

import ctypes
import socket
import sys
from dataclasses import dataclass

IFF_UP = 0x1
IFF_LOOPBACK = 0x8


@dataclass(frozen=True)
class Interface:
    name: str
    address: str  # dotted IPv4
    loopback: bool


class _IfAddrs(ctypes.Structure):
    pass


_IfAddrs._fields_ = [
    ("ifa_next", ctypes.POINTER(_IfAddrs)),
    ("ifa_name", ctypes.c_char_p),
    ("ifa_flags", ctypes.c_uint),
    ("ifa_addr", ctypes.c_void_p),
    ("ifa_netmask", ctypes.c_void_p),
    ("ifa_dstaddr", ctypes.c_void_p),
    ("ifa_data", ctypes.c_void_p),
]


def _family(sockaddr: int) -> int:
    raw = ctypes.string_at(sockaddr, 2)
    if sys.platform.startswith("linux"):
        return int.from_bytes(raw, sys.byteorder)  # sa_family is the first two bytes
    return raw[1]  # BSD and macOS: sa_len, then a one-byte sa_family


def _from_getifaddrs() -> list[Interface]:
    libc = ctypes.CDLL(None, use_errno=True)
    getifaddrs = libc.getifaddrs
    freeifaddrs = libc.freeifaddrs
    head = ctypes.POINTER(_IfAddrs)()
    if getifaddrs(ctypes.byref(head)) != 0:
        raise OSError(ctypes.get_errno(), "getifaddrs failed")
    found: list[Interface] = []
    try:
        node = head
        while node:
            item = node.contents
            if item.ifa_addr and item.ifa_flags & IFF_UP and _family(item.ifa_addr) == 2:
                # sockaddr_in: family (2 bytes), port (2), then the address (4)
                packed = ctypes.string_at(item.ifa_addr + 4, 4)
                name = (item.ifa_name or b"?").decode("utf-8", "replace")
                found.append(
                    Interface(name, socket.inet_ntoa(packed), bool(item.ifa_flags & IFF_LOOPBACK))
                )
            node = item.ifa_next
    finally:
        freeifaddrs(head)
    return found


def _from_host_name() -> list[Interface]:
    try:
        _, _, addresses = socket.gethostbyname_ex(socket.gethostname())
    except OSError:
        addresses = []
    found = [Interface("network", a, a.startswith("127.")) for a in addresses]
    if not any(i.loopback for i in found):
        found.append(Interface("loopback", "127.0.0.1", True))
    return found


def local_interfaces() -> list[Interface]:
    """Every IPv4 address of this machine that is up: the room's networks first,
    loopback (this machine only) last."""
    found: list[Interface] = []
    if sys.platform != "win32":
        try:
            found = _from_getifaddrs()
        except (OSError, AttributeError):
            found = []
    if not found:
        found = _from_host_name()
    unique = list({(i.name, i.address): i for i in found}.values())
    return sorted(unique, key=lambda i: (i.loopback, i.address.startswith("169.254."), i.name))
