from __future__ import annotations

import ipaddress
import socket
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chorus.exceptions import InvalidRequest
from chorus.webhooks.urlguard import (
    BlockedAddress,
    InvalidHookURL,
    Resolver,
    check_hook_url,
    check_hook_url_async,
    is_public_address,
    system_resolver,
)

BLOCKED = [
    "http://127.0.0.1/hook",
    "http://127.8.9.10:8080/",
    "http://localhost/",
    "http://LOCALHOST:9000/x",
    "http://[::1]/",
    "http://0.0.0.0/",
    "http://[::]/",
    "http://10.1.2.3/",
    "http://172.16.0.1/",
    "http://172.31.255.254/",
    "http://192.168.1.1/",
    "http://169.254.169.254/latest/meta-data/",
    "http://169.254.0.1/",
    "http://[fe80::1]/",
    "http://100.64.0.1/",
    "http://100.127.255.254/",
    "http://[fc00::1]/",
    "http://[fd12:3456:789a::1]/",
    "http://224.0.0.1/",
    "http://239.255.255.250/",
    "http://[ff02::1]/",
    "http://240.0.0.1/",
    "http://255.255.255.255/",
    "http://192.0.2.1/",
    "http://198.18.0.1/",
    "http://[2001:db8::1]/",
    # IPv6 forms that carry an IPv4 address the packet would reach.
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:169.254.169.254]/",
    "http://[::ffff:a9fe:a9fe]/",
    "http://[2002:7f00:1::]/",
    "http://[64:ff9b::a9fe:a9fe]/",
    # Odd spellings of 127.0.0.1 and 169.254.169.254 that the socket layer accepts.
    "http://2130706433/",
    "http://0x7f000001/",
    "http://017700000001/",
    "http://0x7f.1/",
    "http://127.1/",
    "http://0177.0.0.1/",
    "http://2852039166/",
    "http://0xa9.0xfe.0xa9.0xfe/",
    "https://0/",
]

PUBLIC = [
    "http://8.8.8.8/",
    "https://1.1.1.1:8443/hooks/chorus?x=1",
    "http://[2001:4860:4860::8888]/",
    "http://[::ffff:8.8.8.8]/",
    "http://134744072/",
    "http://93.184.216.34:80/",
]


@pytest.mark.parametrize("url", BLOCKED)
def test_non_public_destinations_refused(url: str) -> None:
    with pytest.raises(BlockedAddress) as info:
        check_hook_url(url, allow_private=False)
    err = info.value
    assert isinstance(err, InvalidRequest)
    assert (err.status_code, err.code, err.field) == (400, "invalid_request", "notify_hook")
    assert "notify_hook" in err.message


@pytest.mark.parametrize("url", BLOCKED)
def test_allow_private_lets_them_through(url: str) -> None:
    check_hook_url(url, allow_private=True)


@pytest.mark.parametrize("url", PUBLIC)
def test_public_destinations_accepted(url: str) -> None:
    check_hook_url(url, allow_private=False)


def test_odd_encodings_normalize_to_the_real_address() -> None:
    for spelling in ("2130706433", "0x7f000001", "017700000001", "0x7f.1", "127.1"):
        assert system_resolver(spelling) == ["127.0.0.1"]
    assert system_resolver("2852039166") == ["169.254.169.254"]


def test_localhost_resolves_to_loopback_and_is_refused() -> None:
    addresses = system_resolver("localhost")
    assert addresses
    assert all(ipaddress.ip_address(a).is_loopback for a in addresses)
    with pytest.raises(BlockedAddress, match="loopback"):
        check_hook_url("http://localhost:8000/cb", allow_private=False)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("", "non-empty"),
        ("   ", "non-empty"),
        ("ftp://8.8.8.8/", "http or https"),
        ("file:///etc/passwd", "http or https"),
        ("javascript:alert(1)", "http or https"),
        ("gopher://8.8.8.8:70/", "http or https"),
        ("8.8.8.8/hook", "http or https"),
        ("http:///path", "no host"),
        ("http://", "no host"),
        ("http://user:pw@8.8.8.8/", "credentials"),
        ("http://user@8.8.8.8/", "credentials"),
        ("http://8.8.8.8:99999/", "valid URL"),
        ("http://8.8.8.8:0/", "port 0"),
        ("http://[::1/", "valid URL"),
        ("http://exa mple.com/", "spaces"),
        ("http://example.com/\r\nX-Injected: 1", "control"),
        ("http://" + "a" * 3000 + ".com/", "longer"),
    ],
)
def test_malformed_urls_refused(url: str, reason: str) -> None:
    with pytest.raises(InvalidHookURL, match=reason) as info:
        check_hook_url(url, allow_private=True)
    assert info.value.field == "notify_hook"
    assert "notify_hook" in info.value.message


def _table(names: dict[str, Sequence[str]]) -> Resolver:
    def resolve(host: str) -> list[str]:
        if host not in names:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return list(names[host])

    return resolve


def test_every_resolved_address_must_be_public() -> None:
    resolver = _table(
        {
            "public.example": ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"],
            "mixed.example": ["93.184.216.34", "10.0.0.7"],
            "rebind.example": ["169.254.169.254"],
        }
    )
    check_hook_url("https://public.example/h", allow_private=False, resolver=resolver)
    with pytest.raises(BlockedAddress, match=r"10\.0\.0\.7"):
        check_hook_url("https://mixed.example/h", allow_private=False, resolver=resolver)
    with pytest.raises(BlockedAddress, match="link-local"):
        check_hook_url("https://rebind.example/h", allow_private=False, resolver=resolver)


def test_unresolvable_host_refused() -> None:
    with pytest.raises(InvalidHookURL, match="does not resolve"):
        check_hook_url("https://nowhere.example/", allow_private=True, resolver=_table({}))
    with pytest.raises(InvalidHookURL, match="does not resolve"):
        check_hook_url("https://empty.example/", allow_private=True, resolver=lambda h: [])


async def test_async_variant_agrees() -> None:
    await check_hook_url_async("http://8.8.8.8/", allow_private=False)
    await check_hook_url_async("http://localhost/", allow_private=True)
    with pytest.raises(BlockedAddress):
        await check_hook_url_async("http://localhost/", allow_private=False)
    with pytest.raises(BlockedAddress):
        await check_hook_url_async("http://2130706433/", allow_private=False)
    with pytest.raises(InvalidHookURL, match="credentials"):
        await check_hook_url_async("http://a:b@8.8.8.8/", allow_private=False)


def test_is_public_address() -> None:
    assert is_public_address("8.8.8.8")
    assert is_public_address("2001:4860:4860::8888")
    assert not is_public_address("fe80::1%lo")
    assert not is_public_address("::ffff:10.0.0.1")
    assert is_public_address("::ffff:8.8.8.8")


NON_PUBLIC_NETWORKS = [
    "0.0.0.0/8",
    "10.0.0.0/8",
    "100.64.0.0/10",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "198.18.0.0/15",
    "224.0.0.0/4",
    "240.0.0.0/4",
    "::1/128",
    "fc00::/7",
    "fe80::/10",
    "ff00::/8",
    "::ffff:127.0.0.0/104",
    "::ffff:10.0.0.0/104",
    "::ffff:169.254.0.0/112",
    "2002:a9fe::/32",
    "64:ff9b::a9fe:0/112",
]


@pytest.mark.parametrize("network", NON_PUBLIC_NETWORKS)
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_whole_non_public_ranges_are_refused(network: str, data: st.DataObject) -> None:
    net = ipaddress.ip_network(network)
    address = data.draw(st.ip_addresses(network=net))
    assert not is_public_address(str(address))
    host = f"[{address}]" if address.version == 6 else str(address)
    with pytest.raises(BlockedAddress):
        check_hook_url(f"http://{host}/", allow_private=False)
