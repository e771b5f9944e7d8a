"""Downloader middlewares of the crawler package.

``HostMapMiddleware`` sends requests for some hosts to another server (``HDND_HOST_MAP``:
``{"vnexpress.net": "http://127.0.0.1:8000"}``, or the same JSON in the environment
variable) while the spider keeps seeing the original URLs, so a configured source can be
crawled for real against a local copy: in tests, or to replay a mirrored site.
"""

from __future__ import annotations

import json
import os
from urllib.parse import urlsplit, urlunsplit

from crawler.sources import domain_of

ORIGINAL = "hdnd_original_url"


class HostMapMiddleware:
    def __init__(self, host_map: dict[str, str]):
        self.host_map = {host.removeprefix("www."): urlsplit(base) for host, base in host_map.items()}

    @classmethod
    def from_crawler(cls, crawler):
        host_map = crawler.settings.getdict("HDND_HOST_MAP") or json.loads(os.environ.get("HDND_HOST_MAP", "{}"))
        return cls(host_map)

    def process_request(self, request, spider=None):
        target = self._target(domain_of(request.url) or "")
        if target is None or ORIGINAL in request.meta:
            return None
        parts = urlsplit(request.url)
        mapped = urlunsplit((target.scheme, target.netloc, parts.path, parts.query, ""))
        return request.replace(url=mapped, meta={**request.meta, ORIGINAL: request.url}, dont_filter=True)

    def _target(self, host: str):
        """The server for this host or for the site it is a subdomain of (timkiem.vnexpress.net)."""
        while host:
            if host in self.host_map:
                return self.host_map[host]
            host = host.partition(".")[2]
        return None

    def process_response(self, request, response, spider=None):
        original = request.meta.get(ORIGINAL)
        return response.replace(url=original) if original else response
