"""An applied migration never changes: its SQL is pinned here, byte for byte.

Migrations 13 to 16 and 18 build their SQL from pipeline.fold's character table and from
models/bodies.txt and models/abbreviations.tsv. A corpus created after an edit of either
would get other triggers than one created before, under the same version number, and
nothing would say so. This test says so.
"""

from __future__ import annotations

import hashlib

from corpus.migrations import MIGRATIONS

# sha256 of each migration's SQL as released. A migration that lands is added here.
RELEASED = {
    1: "b385a958cfdc5e48ed685b403deaed84b8032270b3935618910551ced776855d",
    2: "e0ae9ab0df95a5787a74ecc760d49931771f0f2739e314b954131d34f52d47cb",
    3: "954007fecb519133d50fc1f673653e330f03bee2e0591e32125e434d32a15886",
    4: "5a4ab6f4a75b637601cbdce35c0173d9f6cfb292b1cb89afe122cecd39a3b1c1",
    5: "afec3e6743ed6a14fbbf7aaec915bbed10b7da16b4cc72ef082b318ba356b2eb",
    6: "e29477b7aef682339568c0a0af88f132a664d643d84dfbf8f7550b54449c203d",
    7: "4075e007712bd606530e030647f6f1409be5bfac0909abc132a4573a6f4caa9c",
    8: "ee275a0d6ca978de1756e8e44511333d6de3c3db847a9127ad7ca9a7143f5fad",
    9: "1fcffd3d8e00612cec2e446ecbc960756d74cdb43cd9c166aa09ae305bb725ac",
    10: "08cf51ead57adc4391ace007c0409a565738e8e8c5b885f92d250ed33b44db09",
    11: "ddca84d7e6a904bf12b35a04857ae7dc42ac47459c2b300cac036a0a302fe944",
    12: "f5c128b9202b227fbb56a8128c4b60fd2a34a89f11fb87e9892163a6c708b8be",
    13: "5c07e927fae63885ef3d53b1cc0155f1403a2155ece09004dabe92173e2eb555",
    14: "4c39f178567aa07fbe78641f33c794708dc68f18dd2384e4c9974a6a0666f94f",
    15: "30699203ac454d916918dca7d219b1900be57903f8cdbadc0cc167170abd9738",
    16: "83533b08911724bbc12bc0cfd7163aace6ea7f1b9c125114b88c5a140e92acea",
    17: "0a0c9c46792848d73eb445399043aa4a5301d0ef263eb9cb1ce4ca50a73d2c85",
    18: "72b17e9d97a7119a2690b4aaf8d00f41b321719968e694b5e256d24fde6f7970",
    19: "9d556bf49bcd191e59235569389968efde562dc7774ef7e638ae3f970f5196eb",
    20: "5f2b48673abd81003975f34dec445e2c7821862f292415a5f21bc30b1ddeb8a5",
    21: "8a6ad57331d241487eb7871e84e36a25b1f7ecd74bc60cd02825cd6945fb4380",
    22: "986faa61701337c6b4ffc24d2f79e1f8c36ce91bf8b9e059a025cd29c37b0e52",
    23: "aa9deb1ab51141e3b1de048ad322a381f4c01baeaf4587a74404c2dd3b773e57",
    24: "707c0c99333038c42150feb1e07602a22e239476212e1126b4cb5a7a36eac701",
    25: "5a84e5a470a857c14b9e99bdbf02a52b0cd2891ad19ed46e106ed89d60176261",
    26: "e8478d8354e53e7d5a7162c7e6d33986b575a9ae1a10d35f871eae8ab1ee0235",
}


def test_released_migrations_are_unchanged():
    changed = [version for version, _, sql in MIGRATIONS
               if version in RELEASED and hashlib.sha256(sql.encode("utf-8")).hexdigest() != RELEASED[version]]
    assert not changed, (
        f"the SQL of migration(s) {changed} changed, but corpora already ran it: keep it as it was and add a new "
        "migration for the change. If an edit of pipeline.fold, models/bodies.txt or models/abbreviations.tsv "
        "changed it, give that migration the old table as a literal and let the new migration use the new one.")


def test_every_migration_is_pinned_and_none_is_gone():
    """A new migration is pinned when it lands (migration 18 also builds its SQL from models/)."""
    assert {version for version, _, _ in MIGRATIONS} == set(RELEASED)
