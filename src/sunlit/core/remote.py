"""Where a request comes from: the address the login lockout and the case-lookup throttle count by.

REMOTE_ADDR, the peer of the connection, unless that peer is one of the reverse proxies named in
SUNLIT_TRUSTED_PROXIES: then X-Forwarded-For is read from the right, past the trusted proxies, and the
first address not theirs is the client. Anything a client writes itself lies to the left of that and is
never read, so a forged header cannot move a client out of its own lockout.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from django.conf import settings

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def client_address(request: Any) -> str | None:
    """The client's address as text, or None when there is no request or no readable address."""
    meta = getattr(request, "META", None) or {}
    found = forwarded_client(meta.get("REMOTE_ADDR"), meta.get("HTTP_X_FORWARDED_FOR"),
                             _networks(tuple(settings.SUNLIT_TRUSTED_PROXIES)))
    return str(found) if found is not None else None


def forwarded_client(remote: str | None, forwarded_for: str | None, trusted: Iterable[Network]) -> Address | None:
    """The client behind `remote`: itself unless it is a trusted proxy; then the right-most address in
    `forwarded_for` that is not a trusted proxy (or the left-most, when every one is). None when the
    peer's address is unreadable, or a trusted proxy handed on something that is not an address."""
    trusted = tuple(trusted)
    peer = parse_address(remote)
    if peer is None or not _within(peer, trusted):
        return peer
    hops = [hop for hop in (forwarded_for or "").split(",") if hop.strip()]
    client = peer
    for hop in reversed(hops):
        address = parse_address(hop)
        if address is None:
            return None
        client = address
        if not _within(address, trusted):
            return address
    return client


def parse_address(text: str | None) -> Address | None:
    """An IPv4 or IPv6 address, also as proxies write them with a port (`1.2.3.4:5678`, `[2001:db8::1]:443`)."""
    value = (text or "").strip()
    if value.startswith("[") and "]" in value:
        value = value[1:value.index("]")]
    elif value.count(":") == 1:
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _within(address: Address, networks: tuple[Network, ...]) -> bool:
    return any(address.version == n.version and address in n for n in networks)


@lru_cache(maxsize=8)
def _networks(configured: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(n, strict=False) for n in configured)
