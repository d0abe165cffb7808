"""An HTTP client for hooks that checks the address it actually connects to.

DNS rebinding defeats a check made only when the hook URL is accepted: the name may
resolve to a public address then and to 127.0.0.1 a minute later. So the hook client does
the resolution itself, at connect time: its network backend resolves the host, checks
every address with :func:`chorus.webhooks.urlguard.check_addresses`, and opens the TCP
connection to one of exactly those addresses. The URL is left untouched, so the ``Host``
header, TLS SNI and certificate verification still use the hook's host name.

httpx does not take a network backend directly; :class:`GuardedTransport` builds the
``httpcore`` pool that ``httpx.AsyncHTTPTransport`` would, with the guarded backend in it.
Proxies are not used (``trust_env=False``): a proxy would make the connect-time check moot.
The upstream channels fetch the media URLs in upstreams' answers through it too
(:mod:`chorus.channels.backend`), trusting only the channels' own hosts to be private.
"""

from __future__ import annotations

import ssl
from collections.abc import Callable, Iterable

import anyio.to_thread
import httpcore
import httpx

from chorus.webhooks.urlguard import Resolver, resolve_checked, system_resolver

SocketOption = (
    tuple[int, int, int] | tuple[int, int, bytes | bytearray] | tuple[int, int, None, int]
)

USER_AGENT = "Chorus-Webhooks/1"
HOOK_LIMITS = httpx.Limits(max_connections=50, max_keepalive_connections=10)


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """Resolves and checks every host before connecting to one of its checked addresses.

    ``trusted(host)`` names hosts that may be private all the same (an upstream the admin
    configured on the LAN, say)."""

    def __init__(
        self,
        *,
        allow_private: bool,
        resolver: Resolver = system_resolver,
        inner: httpcore.AsyncNetworkBackend | None = None,
        trusted: Callable[[str], bool] | None = None,
    ) -> None:
        self._allow_private = allow_private
        self._resolver = resolver
        self._inner = inner or httpcore.AnyIOBackend()
        self._trusted = trusted

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        # A hung DNS lookup is abandoned (its thread finishes on its own) at the timeout.
        allow = self._allow_private or (self._trusted is not None and self._trusted(host))
        with anyio.fail_after(timeout):
            addresses = await anyio.to_thread.run_sync(
                lambda: resolve_checked(host, allow_private=allow, resolver=self._resolver),
                abandon_on_cancel=True,
            )
        last_error: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last_error = exc
        assert last_error is not None  # resolve_checked never returns an empty list
        raise last_error

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("hooks never connect to unix sockets")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class GuardedTransport(httpx.AsyncHTTPTransport):
    """``httpx.AsyncHTTPTransport`` whose connections go through :class:`GuardedBackend`."""

    def __init__(
        self,
        *,
        allow_private: bool,
        resolver: Resolver = system_resolver,
        verify: ssl.SSLContext | bool = True,
        limits: httpx.Limits = HOOK_LIMITS,
        trusted: Callable[[str], bool] | None = None,
    ) -> None:
        super().__init__(verify=verify, trust_env=False, limits=limits)
        # Replace the pool the parent built (never opened) with one using the guard.
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(verify=verify, trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=GuardedBackend(
                allow_private=allow_private, resolver=resolver, trusted=trusted
            ),
        )


def make_hook_client(
    *,
    allow_private: bool,
    resolver: Resolver = system_resolver,
    verify: ssl.SSLContext | bool = True,
) -> httpx.AsyncClient:
    """The client every hook delivery should use: guarded connects, no proxies from the
    environment, no redirects. ``verify`` is the TLS trust (system CAs by default)."""
    return httpx.AsyncClient(
        transport=GuardedTransport(allow_private=allow_private, resolver=resolver, verify=verify),
        follow_redirects=False,
        trust_env=False,
        headers={"User-Agent": USER_AGENT},
    )
