"""Which ``notify_hook`` URLs Chorus will call.

A hook is an outbound request the client chooses, so without a guard it could reach the
service's own admin port, the LAN or the cloud metadata endpoint (169.254.169.254). A hook
URL must be ``http`` or ``https`` with a host and no credentials, and **every** address its
host resolves to must be public. Resolution goes through ``getaddrinfo``, which also
normalizes odd spellings of IPv4 (``2130706433``, ``0x7f.1``, ``017700000001`` are all
127.0.0.1), so the check runs on what the socket layer would really connect to.

The check at submit time alone would not stop DNS rebinding (a name that resolves to a
public address when checked and to 127.0.0.1 when called): see :mod:`chorus.webhooks.transport`,
which checks again at connect time and connects to exactly the address it checked.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Sequence
from urllib.parse import SplitResult, urlsplit

import anyio.to_thread

from chorus.exceptions import InvalidRequest

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# host -> the IP addresses it resolves to (as strings); raises OSError when it does not.
Resolver = Callable[[str], Sequence[str]]

FIELD = "notify_hook"
MAX_URL_LENGTH = 2048
_SCHEMES = ("http", "https")
_CGNAT = ipaddress.IPv4Network("100.64.0.0/10")
# NAT64 well-known prefix: the low 32 bits are an IPv4 address the gateway will reach.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


class InvalidHookURL(InvalidRequest):
    """notify_hook is not a URL Chorus will call."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message, field=FIELD)


class BlockedAddress(InvalidHookURL):
    """notify_hook resolves to an address that is not public."""


def system_resolver(host: str) -> list[str]:
    """Every address ``getaddrinfo`` gives for ``host`` (TCP), in its order, deduplicated."""
    infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    seen: dict[str, None] = {}
    for _family, _type, _proto, _canon, sockaddr in infos:
        seen.setdefault(str(sockaddr[0]), None)
    return list(seen)


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries and would deliver to, if any."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def address_problem(ip: IPAddress) -> str | None:
    """Why ``ip`` is not a public unicast address, or None when it is."""
    if isinstance(ip, ipaddress.IPv6Address):
        inner = _embedded_ipv4(ip)
        if inner is not None:
            problem = address_problem(inner)
            return None if problem is None else f"{problem} (embedded in {ip})"
    checks = (
        (ip.is_unspecified, "unspecified"),
        (ip.is_loopback, "loopback"),
        (ip.is_link_local, "link-local"),
        (ip.is_multicast, "multicast"),
        (isinstance(ip, ipaddress.IPv4Address) and ip in _CGNAT, "carrier-grade NAT"),
        (ip.is_private, "private"),
        (ip.is_reserved, "reserved"),
        (isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local, "site-local"),
        (not ip.is_global, "not globally routable"),
    )
    for failed, why in checks:
        if failed:
            return f"{ip} is {why}"
    return None


def is_public_address(address: str) -> bool:
    """Whether ``address`` (an IP literal, IPv6 may carry a ``%scope``) is public unicast."""
    return address_problem(ipaddress.ip_address(address.split("%", 1)[0])) is None


def parse_hook_url(url: str) -> SplitResult:
    """Check the shape of a hook URL (scheme, host, no credentials); no DNS."""
    if not isinstance(url, str) or not url.strip():
        raise InvalidHookURL("notify_hook must be a non-empty URL")
    if len(url) > MAX_URL_LENGTH:
        raise InvalidHookURL(f"notify_hook is longer than {MAX_URL_LENGTH} characters")
    if any(ord(c) <= 0x20 or ord(c) == 0x7F for c in url):
        raise InvalidHookURL("notify_hook contains spaces or control characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise InvalidHookURL(f"notify_hook is not a valid URL: {exc}") from None
    if parts.scheme.lower() not in _SCHEMES:
        raise InvalidHookURL("notify_hook must be an http or https URL")
    if parts.username is not None or parts.password is not None:
        raise InvalidHookURL("notify_hook must not carry credentials (user:password@)")
    if not parts.hostname:
        raise InvalidHookURL("notify_hook has no host")
    if port == 0:
        raise InvalidHookURL("notify_hook has port 0")
    return parts


def check_addresses(host: str, addresses: Sequence[str], *, allow_private: bool) -> None:
    """Raise :class:`BlockedAddress` unless every address of ``host`` may be called."""
    if not addresses:
        raise InvalidHookURL(f"notify_hook host {host!r} does not resolve")
    if allow_private:
        return
    for address in addresses:
        problem = address_problem(ipaddress.ip_address(address.split("%", 1)[0]))
        if problem is not None:
            raise BlockedAddress(f"notify_hook host {host!r} resolves to {problem}")


def resolve_checked(host: str, *, allow_private: bool, resolver: Resolver) -> list[str]:
    """Resolve ``host`` and check every address; returns them in resolver order."""
    try:
        addresses = list(resolver(host))
    except (OSError, UnicodeError) as exc:
        raise InvalidHookURL(f"notify_hook host {host!r} does not resolve: {exc}") from None
    check_addresses(host, addresses, allow_private=allow_private)
    return addresses


def check_hook_url(url: str, *, allow_private: bool, resolver: Resolver = system_resolver) -> None:
    """Raise :class:`InvalidHookURL` (HTTP 400, field ``notify_hook``) unless Chorus may call
    ``url``. Blocks (it resolves the host); async code uses :func:`check_hook_url_async`."""
    parts = parse_hook_url(url)
    assert parts.hostname is not None  # parse_hook_url checked it
    resolve_checked(parts.hostname, allow_private=allow_private, resolver=resolver)


async def check_hook_url_async(
    url: str, *, allow_private: bool, resolver: Resolver = system_resolver
) -> None:
    """:func:`check_hook_url` with the DNS lookup in a worker thread."""
    parts = parse_hook_url(url)
    assert parts.hostname is not None
    host = parts.hostname
    await anyio.to_thread.run_sync(
        lambda: resolve_checked(host, allow_private=allow_private, resolver=resolver),
        abandon_on_cancel=True,
    )
