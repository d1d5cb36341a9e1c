"""Fetch feeds and pages over HTTP, refusing private addresses (server-side request forgery)."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit, urlunsplit

from prism.errors import FetchError
from prism.ingest.normalize import redact_credentials

if TYPE_CHECKING:
    import httpx

_REDIRECTS = {301, 302, 303, 307, 308}


@dataclass(frozen=True, slots=True)
class Fetched:
    """A fetched document: the final URL after redirects, its content type and its bytes."""

    url: str
    content_type: str
    data: bytes


def is_public_address(address: str) -> bool:
    """Return True if an IP address is on the public internet (not private, loopback, link-local…)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def check_host(url: str) -> str:
    """Return the address to connect to for `url`; raise FetchError unless every address is public."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(f"{url}: only http and https URLs can be fetched")
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise FetchError(f"{url}: cannot resolve host {parts.hostname!r} ({exc.strerror})") from None
    addresses = [str(sockaddr[0]) for *_, sockaddr in infos]
    for address in addresses:
        if not is_public_address(address):
            raise FetchError(
                f"{url}: refused, {parts.hostname} resolves to the non-public address {address} "
                "(pass --allow-private to fetch from private networks)"
            )
    return addresses[0]


def pinned(url: str, address: str) -> tuple[str, dict[str, str], dict[str, str]]:
    """Return (URL, headers, extensions) that reach `url`'s host at the checked `address`.

    Connecting to the address we checked, not to whatever a second DNS lookup answers, closes the
    DNS-rebinding gap; the Host header and TLS server name (SNI, certificate check) stay the host's.
    """
    parts = urlsplit(url)
    host = f"[{address}]" if ":" in address else address
    netloc = f"{host}:{parts.port}" if parts.port else host
    extensions = {"sni_hostname": parts.hostname or ""} if parts.scheme == "https" else {}
    return urlunsplit(parts._replace(netloc=netloc)), {"Host": parts.netloc.rsplit("@", 1)[-1]}, extensions


class Fetcher:
    """An HTTP client with a deadline per fetch, a size cap, bounded redirects and an address check on
    every hop.

    The deadline covers the whole fetch (every redirect, the headers and the body): a server that drips a
    byte at a time never lets a per-read timeout fire. httpx has no such deadline, so each fetch runs as a
    coroutine on one event loop of our own, and cancelling it at the deadline closes the connection.
    """

    def __init__(
        self,
        *,
        user_agent: str,
        timeout: float,
        max_bytes: int,
        max_redirects: int,
        allow_private: bool = False,
    ) -> None:
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.allow_private = allow_private
        import httpx  # here, not at the top: most runs read only files

        self._httpx = httpx
        self._runner = asyncio.Runner()
        self._client = httpx.AsyncClient(
            headers={"User-Agent": user_agent, "Accept": "*/*"},
            timeout=httpx.Timeout(timeout),
            follow_redirects=False,
        )

    def close(self) -> None:
        """Close the underlying connections."""
        self._runner.run(self._client.aclose())
        self._runner.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def get(self, url: str) -> Fetched:
        """Fetch `url`, following at most `max_redirects` redirects; raise FetchError on any problem."""
        try:
            return self._runner.run(self._get_within_deadline(url))
        except FetchError as exc:  # user:password@ of a URL never reaches a message
            raise FetchError(redact_credentials(str(exc))) from None

    async def _get_within_deadline(self, url: str) -> Fetched:
        try:
            async with asyncio.timeout(self.timeout):
                return await self._get(url)
        except TimeoutError:
            raise FetchError(
                f"{url}: timed out: no complete answer within the deadline of {self.timeout:g} s "
                "for the whole fetch (PRISM_HTTP_TIMEOUT)"
            ) from None

    async def _get(self, url: str) -> Fetched:
        current = url
        for _ in range(self.max_redirects + 1):
            target: str = current
            headers: dict[str, str] = {}
            extensions: dict[str, str] = {}
            if not self.allow_private:
                address = await asyncio.to_thread(check_host, current)  # the lookup counts too
                target, headers, extensions = pinned(current, address)
            request = self._client.build_request("GET", target, headers=headers, extensions=extensions)
            try:
                response = await self._client.send(request, stream=True)
                try:
                    if response.status_code in _REDIRECTS and "location" in response.headers:
                        current = urljoin(current, response.headers["location"])
                        continue
                    if response.status_code >= 400:
                        raise FetchError(f"{current}: HTTP {response.status_code} {response.reason_phrase}")
                    data = await self._read_capped(response, current)
                    return Fetched(current, response.headers.get("content-type", ""), data)
                finally:
                    await response.aclose()
            except self._httpx.TimeoutException:
                raise FetchError(f"{current}: timed out") from None
            except self._httpx.HTTPError as exc:
                raise FetchError(f"{current}: {type(exc).__name__}: {exc}") from None
        raise FetchError(f"{url}: more than {self.max_redirects} redirects")

    async def _read_capped(self, response: httpx.Response, url: str) -> bytes:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise FetchError(f"{url}: response is {int(declared):,} bytes; the limit is {self.max_bytes:,}")
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > self.max_bytes:
                raise FetchError(f"{url}: response is larger than the limit of {self.max_bytes:,} bytes")
            chunks.append(chunk)
        return b"".join(chunks)
