"""A crawl frontier shared by crawl processes on any number of machines, kept in Redis
through scrapy-redis (``hdnd crawl --frontier redis://HOST:PORT/DB``).

What every process shares: one request queue (``news:requests``, scrapy-redis's priority
queue), one seen-set (``news:dupefilter``, its dupe filter: a URL is queued once per
frontier), the requests under way (below) and a pace per site: requests to one host from
all processes together get turns at least ``DOWNLOAD_DELAY`` apart (``news:pace:HOST``,
timed by the Redis server's clock), so together they ask a site no more often than one
process would; each process's own download delay and AutoThrottle may still shift a request
after its turn, so two can now and then be closer. What stays per process:
``CONCURRENT_REQUESTS_PER_DOMAIN`` (so N processes may hold up to 2N connections to a site),
AutoThrottle, robots.txt (read by each process), ``--limit`` and the crawl's counts. A
process takes up to ``CONCURRENT_REQUESTS`` (16) requests from the queue at a time, and one
waiting for work looks at the queue every 5 seconds (Scrapy's heartbeat).

Plain scrapy-redis loses a request that a process took from the queue and did not finish
(it is popped, then the process dies). Here a request is moved, in one Redis script, from
the queue to ``news:inflight`` under a key of its own, with its owner in ``news:owners``;
it leaves that list once its response (or failure) has been through the spider and the
item pipelines, or, when the process writes WARC files, once the file holding it has been
completed. Each process keeps a lease (``news:worker:ID``, renewed every third of
``HDND_FRONTIER_LEASE`` seconds); the requests of a process whose lease has lapsed (killed,
its machine gone) go back to the queue, taken by whichever process looks next (on start, and
whenever one is idle). A process is done only when the queue is empty and no process holds a
request, since any of them may still find more. So every request is fetched at least once;
one whose process was killed after fetching it may be fetched twice.

A frontier is one crawl: its seen-set remembers the starting points, so to crawl the same
sites again from the start use another database number (or empty it: ``redis-cli -n DB
flushdb``).

When Redis stops answering, the process stops (exit 2, one sentence in ``hdnd/stopped``):
the articles it stored are kept, its WARC file is completed, and the requests it held stay
in Redis under its lapsing lease, so the same command run again once Redis is back goes on
where the crawl was (a Redis that lost its data starts the crawl over; articles already in
the corpus are still not fetched again). ``--limit`` counts per process: the spider keeps
the count and the backlog of article requests it limits, and every process decides alone.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import socket
import uuid

import redis
from scrapy import signals
from scrapy.exceptions import DontCloseSpider, IgnoreRequest, NotConfigured
from scrapy.utils.defer import deferred_from_coro
from scrapy_redis.connection import get_redis_from_settings
from scrapy_redis.scheduler import Scheduler
from twisted.internet.task import LoopingCall

from crawler.middlewares import ORIGINAL
from crawler.sources import domain_of
from crawler.warc import FLUSH_WARC, WARC_COMPLETED, after_scraping

logger = logging.getLogger(__name__)
KEY = "hdnd_frontier_key"  # request meta: the request's entry in the in-flight list
FRONTIER_LOST = object()  # signal (err): a call to Redis failed; the crawl stops

# The first request of the queue, moved to the in-flight list with its owner and score.
_TAKE = """
local top = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #top == 0 then return false end
redis.call('ZREM', KEYS[1], top[1])
redis.call('HSET', KEYS[2], ARGV[1], top[1])
redis.call('HSET', KEYS[3], ARGV[1], ARGV[2] .. ' ' .. top[2])
return top[1]
"""
# A request marked seen and queued in one step (ARGV[1] empty: a request that skips the seen-set).
_ENQUEUE = """
if ARGV[1] ~= '' and redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
return 1
"""
# An in-flight request of a lapsed owner, back to the queue (only if that owner still holds it).
_GIVE_BACK = """
local owner = redis.call('HGET', KEYS[3], ARGV[1])
if not owner or string.sub(owner, 1, #ARGV[2] + 1) ~= ARGV[2] .. ' ' then return 0 end
local data = redis.call('HGET', KEYS[2], ARGV[1])
if data then redis.call('ZADD', KEYS[1], string.sub(owner, #ARGV[2] + 2), data) end
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
return 1
"""
# Milliseconds to wait before the next request to a host, all processes together.
_PACE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local at = math.max(now, tonumber(redis.call('GET', KEYS[1]) or 0) + tonumber(ARGV[1]))
redis.call('SET', KEYS[1], at, 'PX', at - now + tonumber(ARGV[1]) + 1000)
return at - now
"""


def frontier_settings(url: str) -> dict:
    """The Scrapy settings that make a crawl use the frontier at ``url``."""
    return {"SCHEDULER": "crawler.frontier.FrontierScheduler", "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
            "SCHEDULER_PERSIST": True, "REDIS_URL": url, "HDND_FRONTIER": url}


def frontier_problem(url: str) -> str | None:
    """Why the frontier at ``url`` cannot be used (not a Redis URL, no answer), or None."""
    import redis

    if not url.startswith(("redis://", "rediss://", "unix://")):
        return f"--frontier takes a Redis URL such as redis://127.0.0.1:6379/0, not {url!r}"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=5).ping()
    except (redis.RedisError, ValueError) as err:
        return f"the frontier at {url} does not answer ({err})"
    return None


def _unless_lost(default=None):
    """A scheduler method whose Redis error stops the crawl with one sentence (and returns
    ``default``) instead of raising into Scrapy's engine, which would log it and go on."""
    def wrap(method):
        @functools.wraps(method)
        def guarded(self, *args, **kwargs):
            if self.lost:
                return default
            try:
                return method(self, *args, **kwargs)
            except redis.RedisError as err:
                self._lose(err)
                return default
        return guarded
    return wrap


class FrontierScheduler(Scheduler):
    """scrapy-redis's scheduler, with the requests under way kept in Redis until done."""

    @classmethod
    def from_crawler(cls, crawler):
        scheduler = super().from_crawler(crawler)
        scheduler.crawler = crawler
        scheduler.lease = crawler.settings.getfloat("HDND_FRONTIER_LEASE", 60)
        scheduler.worker = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        scheduler.pending: list[str] = []  # done, waiting for the WARC file that holds their responses
        scheduler.writes_warc = bool(crawler.settings.get("HDND_WARC_DIR"))
        scheduler.lost = None  # the Redis error that stopped the crawl
        scheduler.closing = False
        crawler.signals.connect(scheduler._idle, signal=signals.spider_idle)
        crawler.signals.connect(scheduler._warc_completed, signal=WARC_COMPLETED)
        crawler.signals.connect(scheduler._lose, signal=FRONTIER_LOST)
        return scheduler

    def _lose(self, err=None) -> None:
        """Redis stopped answering: close the crawl, keeping the sentence for the end."""
        if self.lost:
            return
        self.lost = err
        frontier = self.crawler.settings.get("HDND_FRONTIER")
        self.stats.set_value("hdnd/stopped", f"the frontier at {frontier} stopped answering ({err}); the articles "
                                             "stored so far are kept, and the same command run again once Redis "
                                             "is back goes on from there")
        if not self.closing:
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="frontier lost"))

    @_unless_lost(default=False)
    def enqueue_request(self, request):
        """scrapy-redis's enqueue, in one step: between its two (URL seen, then queued) a
        process looking for work would find neither the request queued nor under way, and end."""
        seen = "" if request.dont_filter else self.df.request_fingerprint(request)
        if not self._enqueue(keys=[self.df.key, self.queue.key], args=[seen, -request.priority,
                                                                        self.queue._encode_request(request)]):
            self.df.log(request, self.spider)
            return False
        self.stats.inc_value("scheduler/enqueued/redis")
        return True

    @_unless_lost(default=False)
    def has_pending_requests(self):
        return super().has_pending_requests()

    def open(self, spider):
        super().open(spider)
        self.inflight_key = f"{spider.name}:inflight"
        self.owners_key = f"{spider.name}:owners"
        self.lease_prefix = f"{spider.name}:worker:"
        self._take = self.server.register_script(_TAKE)
        self._enqueue = self.server.register_script(_ENQUEUE)
        self._give_back = self.server.register_script(_GIVE_BACK)
        self._renew()
        self.heartbeat = LoopingCall(self._renew)
        self.heartbeat.start(self.lease / 3, now=False)
        after_scraping(self.crawler.engine.scraper, self._scraped)  # done: the spider and the item pipelines are through
        self.recover()

    @_unless_lost()
    def _scraped(self, result, request) -> None:
        key = request.meta.get(KEY)
        if key:
            if self.writes_warc:
                self.pending.append(key)
            else:
                self._forget([key])

    def _warc_completed(self, path=None) -> None:
        """Responses written to a completed WARC file are safe: their requests are done (a
        signal handler, not wrapped itself: see _idle)."""
        done, self.pending = self.pending, []
        self._forget_unless_lost(done)

    @_unless_lost()
    def _forget_unless_lost(self, keys: list) -> None:
        self._forget(keys)

    def _renew(self) -> None:
        """Keep this process's lease. A Redis error is logged, not raised: LoopingCall stops
        for good on an exception, and a lapsed lease hands live requests to others."""
        if self.lost:
            return
        try:
            self.server.set(self.lease_prefix + self.worker, 1, px=int(self.lease * 1000))
        except redis.RedisError as err:
            logger.warning("the frontier's lease could not be renewed (%s); trying again", err)

    def _forget(self, keys: list) -> None:
        if keys:
            self.server.hdel(self.inflight_key, *keys)
            self.server.hdel(self.owners_key, *keys)

    def _owned(self) -> dict[bytes, bytes]:
        """In-flight key -> owner of every request under way, in every process."""
        return {key: value.rsplit(b" ", 1)[0] for key, value in self.server.hgetall(self.owners_key).items()}

    @_unless_lost(default=0)
    def recover(self) -> int:
        """Put back in the queue the requests held by processes whose lease has lapsed."""
        owned = self._owned()
        lapsed = {owner for owner in set(owned.values())
                  if owner != self.worker.encode() and not self.server.exists(self.lease_prefix.encode() + owner)}
        keys = [self.queue.key, self.inflight_key, self.owners_key]
        given_back = sum(self._give_back(keys=keys, args=[key, owner]) for key, owner in owned.items() if owner in lapsed)
        if given_back:
            self.stats.inc_value("hdnd/frontier/given_back", given_back)
            self.spider.logger.info("%d requests of stopped crawl processes are back in the queue", given_back)
        return given_back

    @_unless_lost()
    def next_request(self):
        key = uuid.uuid4().hex
        data = self._take(keys=[self.queue.key, self.inflight_key, self.owners_key], args=[key, self.worker])
        if data is None:
            return None
        request = self.queue._decode_request(data)
        superseded = request.meta.get(KEY)  # a retry, a redirect: it replaces the request it came from
        if superseded:
            self._forget([superseded])
        request.meta[KEY] = key
        self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def _idle(self, spider) -> None:
        """Nothing of this process is under way: what it still holds is done (its WARC file
        is completed first). It waits while the queue has requests or another process holds
        some, and takes back those of lapsed processes. (A signal handler: Scrapy passes it
        the arguments its signature names, so it is not wrapped itself.)"""
        self.crawler.signals.send_catch_log(FLUSH_WARC)
        if self._work_left():
            raise DontCloseSpider

    @_unless_lost(default=False)
    def _work_left(self) -> bool:
        mine = self.worker.encode()
        self._forget([key for key, owner in self._owned().items() if owner == mine])
        self.recover()
        return bool(len(self.queue) or self.server.hlen(self.owners_key))

    def close(self, reason):
        """A finished crawl leaves nothing under way; a stopped one (Ctrl-C) gives back what
        it had not finished; one that lost Redis leaves what it held to its lapsing lease."""
        self.closing = True
        self.heartbeat.stop()
        self.crawler.signals.send_catch_log(FLUSH_WARC)
        self._hand_back(reason)
        return super().close(reason)

    @_unless_lost()
    def _hand_back(self, reason) -> None:
        mine = self.worker.encode()
        left = [key for key, owner in self._owned().items() if owner == mine]
        if reason == "finished":
            self._forget(left)
        else:
            keys = [self.queue.key, self.inflight_key, self.owners_key]
            for key in left:
                self._give_back(keys=keys, args=[key, mine])
        self.server.delete(self.lease_prefix + self.worker)


class SharedPaceMiddleware:
    """Gives the requests to each host turns ``DOWNLOAD_DELAY`` apart across every process
    of the frontier (a reservation in Redis; the request waits here for its turn)."""

    def __init__(self, server, delay: float, prefix: str, crawler):
        self.server = server
        self.crawler = crawler
        self.delay_ms = int(delay * 1000)
        self.prefix = prefix
        self._pace = server.register_script(_PACE)

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.get("HDND_FRONTIER") or crawler.settings.getfloat("DOWNLOAD_DELAY") <= 0:
            raise NotConfigured
        return cls(get_redis_from_settings(crawler.settings), crawler.settings.getfloat("DOWNLOAD_DELAY"), "news:pace:",
                   crawler)

    async def process_request(self, request, spider=None):
        host = domain_of(request.meta.get(ORIGINAL, request.url)) or "?"
        try:
            wait_ms = self._pace(keys=[self.prefix + host], args=[self.delay_ms])
        except redis.RedisError as err:  # no turn without Redis: not fetched, and the crawl stops
            self.crawler.signals.send_catch_log(FRONTIER_LOST, err=err)
            raise IgnoreRequest(f"the frontier stopped answering ({err})") from err
        if wait_ms > 0:
            await asyncio.sleep(wait_ms / 1000)
        return None
