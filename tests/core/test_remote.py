"""The client's address (core.remote): REMOTE_ADDR, unless it is a trusted proxy; then X-Forwarded-For read
from the right, past the trusted proxies. What a client writes itself is never believed."""

from __future__ import annotations

import ipaddress

import pytest
from django.test import RequestFactory, override_settings

from sunlit.core.remote import client_address, forwarded_client, parse_address

PROXIES = [ipaddress.ip_network("10.0.0.0/8"), ipaddress.ip_network("2001:db8:ff::/48")]


@pytest.mark.parametrize(("remote", "forwarded", "client"), [
    ("203.0.113.7", None, "203.0.113.7"),
    ("203.0.113.7", "198.51.100.1", "203.0.113.7"),  # not from a trusted proxy: its header is ignored
    ("10.0.0.2", "198.51.100.1", "198.51.100.1"),
    ("10.0.0.2", "192.0.2.1, 198.51.100.1", "198.51.100.1"),  # what the client prepended is not read
    ("10.0.0.2", "198.51.100.1, 10.0.0.9", "198.51.100.1"),  # two proxies of ours
    ("10.0.0.2", "10.0.0.8, 10.0.0.9", "10.0.0.8"),  # from one of our own machines
    ("10.0.0.2", None, "10.0.0.2"),
    ("10.0.0.2", "not-an-address", None),
    ("2001:db8:ff::1", "[2001:db8::5]:443", "2001:db8::5"),
    ("10.0.0.2", "198.51.100.1:5678", "198.51.100.1"),
    ("::ffff:203.0.113.7", None, "203.0.113.7"),
    ("", None, None),
])
def test_the_client_behind_the_proxies(remote: str, forwarded: str | None, client: str | None) -> None:
    found = forwarded_client(remote, forwarded, PROXIES)
    assert (str(found) if found else None) == client


def test_an_address_with_a_port_or_in_brackets_is_read() -> None:
    assert str(parse_address(" [2001:db8::1]:8443 ")) == "2001:db8::1"
    assert parse_address("999.1.1.1") is None


def test_with_no_trusted_proxy_the_request_peer_is_the_client() -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert client_address(request) == "10.0.0.2"
    with override_settings(SUNLIT_TRUSTED_PROXIES=("10.0.0.0/8",)):
        assert client_address(request) == "198.51.100.1"
    assert client_address(None) is None
