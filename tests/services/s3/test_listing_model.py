"""ListObjectsV2 and ListObjects against a plain model of S3's listing rules, on generated keys:
every page sequence must equal the model's answer (keys in UTF-8 binary order, rolled up into
common prefixes at the first delimiter after the prefix)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from statewright.services.common import RequestContext
from statewright.services.s3 import S3Service

CONTEXT = RequestContext()
keys = st.lists(st.text(alphabet="ab/é", min_size=1, max_size=6), min_size=0, max_size=25, unique=True)


def model(all_keys: list[str], prefix: str, delimiter: str) -> list[str]:
    out: list[str] = []
    for key in sorted(all_keys, key=lambda k: k.encode()):
        if not key.startswith(prefix):
            continue
        rest = key[len(prefix):]
        if delimiter and delimiter in rest:
            common = prefix + rest[: rest.index(delimiter) + len(delimiter)]
            if common not in out:
                out.append(common)
        else:
            out.append(key)
    return out


def pages_v2(service, prefix, delimiter, max_keys) -> list[str]:
    seen, token = [], None
    for _ in range(200):
        request = {"Bucket": "mmm", "Prefix": prefix, "Delimiter": delimiter, "MaxKeys": max_keys}
        if token:
            request["ContinuationToken"] = token
        page = service.handle("ListObjectsV2", request, CONTEXT)
        assert page["KeyCount"] <= max_keys
        seen += [o["Key"] for o in page["Contents"]] + [p["Prefix"] for p in page["CommonPrefixes"]]
        if not page["IsTruncated"]:
            return seen
        token = page["NextContinuationToken"]
    raise AssertionError("pagination did not end")


def pages_v1(service, prefix, delimiter, max_keys) -> list[str]:
    seen, marker = [], ""
    for _ in range(200):
        page = service.handle("ListObjects", {"Bucket": "mmm", "Prefix": prefix, "Delimiter": delimiter,
                                              "MaxKeys": max_keys, "Marker": marker}, CONTEXT)
        batch = [o["Key"] for o in page["Contents"]] + [p["Prefix"] for p in page["CommonPrefixes"]]
        seen += batch
        if not page["IsTruncated"]:
            return seen
        marker = page.get("NextMarker") or max(batch, key=lambda k: k.encode())
    raise AssertionError("pagination did not end")


@settings(max_examples=60, deadline=None)
@given(keys, st.sampled_from(["", "a", "a/", "é", "b/a"]), st.sampled_from(["", "/", "é"]),
       st.integers(min_value=1, max_value=4))
def test_listing_matches_the_model(all_keys, prefix, delimiter, max_keys):
    with tempfile.TemporaryDirectory() as root:
        service = S3Service(Path(root))
        service.handle("CreateBucket", {"Bucket": "mmm"}, CONTEXT)
        for key in all_keys:
            service.handle("PutObject", {"Bucket": "mmm", "Key": key, "Body": b""}, CONTEXT)
        expected = model(all_keys, prefix, delimiter)
        assert sorted(pages_v2(service, prefix, delimiter, max_keys), key=str.encode) == expected
        assert sorted(pages_v1(service, prefix, delimiter, max_keys), key=str.encode) == expected
        service.close()
