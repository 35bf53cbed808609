"""ListObjectsV2, ListObjects (v1) and ListObjectVersions through boto3."""

from __future__ import annotations

KEYS = ["a/1", "a/2", "a/b/3", "b/4", "c", "d/5", "d/6"]


def fill(s3, bucket, keys=KEYS):
    for key in keys:
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")


def test_prefix_and_delimiter(s3, bucket):
    fill(s3, bucket)
    top = s3.list_objects_v2(Bucket=bucket, Delimiter="/")
    # "CommonPrefixes contains all (if there are any) keys between Prefix and the next
    # occurrence of the string specified by a delimiter."
    assert [p["Prefix"] for p in top["CommonPrefixes"]] == ["a/", "b/", "d/"]
    assert [o["Key"] for o in top["Contents"]] == ["c"]
    # "KeyCount is the number of keys returned with this request" (prefixes count as one each).
    assert top["KeyCount"] == 4
    inner = s3.list_objects_v2(Bucket=bucket, Prefix="a/", Delimiter="/")
    assert [o["Key"] for o in inner["Contents"]] == ["a/1", "a/2"]
    assert [p["Prefix"] for p in inner["CommonPrefixes"]] == ["a/b/"]


def test_pagination_with_continuation_tokens(s3, bucket):
    fill(s3, bucket)
    seen, token, pages = [], None, 0
    while True:
        kwargs = {"ContinuationToken": token} if token else {}
        page = s3.list_objects_v2(Bucket=bucket, MaxKeys=2, Delimiter="/", **kwargs)
        pages += 1
        seen += [o["Key"] for o in page.get("Contents", [])] + [p["Prefix"] for p in page.get("CommonPrefixes", [])]
        assert page["KeyCount"] <= 2
        if not page["IsTruncated"]:
            break
        token = page["NextContinuationToken"]
    assert sorted(seen) == ["a/", "b/", "c", "d/"] and pages == 2


def test_paginator_lists_everything(s3, bucket):
    keys = [f"k{i:03d}" for i in range(25)]
    fill(s3, bucket, keys)
    listed = [o["Key"] for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, PaginationConfig={
        "PageSize": 7}) for o in page.get("Contents", [])]
    assert listed == keys


def test_start_after_and_max_keys(s3, bucket):
    fill(s3, bucket)
    # "StartAfter is where you want Amazon S3 to start listing from. Amazon S3 starts listing
    # after this specified key."
    page = s3.list_objects_v2(Bucket=bucket, StartAfter="b/4")
    assert [o["Key"] for o in page["Contents"]] == ["c", "d/5", "d/6"]
    assert s3.list_objects_v2(Bucket=bucket, MaxKeys=3)["IsTruncated"] is True


def test_max_keys_zero_is_an_empty_complete_page(s3, bucket):
    # S3-compatible servers that test against AWS record that max-keys=0 returns no keys,
    # KeyCount 0 and IsTruncated false, with no token or marker to follow (versitygw #248,
    # fakecloud #2003); a token here would point nowhere.
    fill(s3, bucket)
    v2 = s3.list_objects_v2(Bucket=bucket, MaxKeys=0)
    assert (v2["KeyCount"], v2["IsTruncated"], v2.get("Contents")) == (0, False, None)
    assert "NextContinuationToken" not in v2
    v1 = s3.list_objects(Bucket=bucket, MaxKeys=0, Delimiter="/")
    assert (v1["IsTruncated"], v1.get("Contents"), "NextMarker" in v1) == (False, None, False)
    versions = s3.list_object_versions(Bucket=bucket, MaxKeys=0)
    assert (versions["IsTruncated"], versions.get("Versions"), "NextKeyMarker" in versions) == (False, None, False)


def test_url_encoding(s3, bucket):
    fill(s3, bucket, ["with space", "ünï"])
    # boto3 asks for EncodingType=url itself and decodes the keys; the raw answer is encoded.
    listed = s3.list_objects_v2(Bucket=bucket)
    assert sorted(o["Key"] for o in listed["Contents"]) == ["with space", "ünï"]


def test_list_objects_v1_markers(s3, bucket):
    fill(s3, bucket)
    first = s3.list_objects(Bucket=bucket, MaxKeys=3)
    assert [o["Key"] for o in first["Contents"]] == ["a/1", "a/2", "a/b/3"] and first["IsTruncated"]
    # NextMarker "is returned only if you have the delimiter request parameter specified. If
    # the response does not include the NextMarker element and it is truncated, you can use
    # the value of the last Key element in the response as the marker parameter".
    assert "NextMarker" not in first
    second = s3.list_objects(Bucket=bucket, Marker="a/b/3")
    assert [o["Key"] for o in second["Contents"]] == ["b/4", "c", "d/5", "d/6"]
    grouped = s3.list_objects(Bucket=bucket, Delimiter="/", MaxKeys=2)
    assert grouped["NextMarker"] == "b/"
    rest = s3.list_objects(Bucket=bucket, Delimiter="/", Marker=grouped["NextMarker"])
    assert [o["Key"] for o in rest["Contents"]] == ["c"] and [p["Prefix"] for p in rest["CommonPrefixes"]] == ["d/"]


def test_versions_and_delete_markers(s3, bucket):
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    v1 = s3.put_object(Bucket=bucket, Key="doc", Body=b"one")["VersionId"]
    v2 = s3.put_object(Bucket=bucket, Key="doc", Body=b"two")["VersionId"]
    assert v1 != v2
    assert s3.get_object(Bucket=bucket, Key="doc")["Body"].read() == b"two"
    assert s3.get_object(Bucket=bucket, Key="doc", VersionId=v1)["Body"].read() == b"one"
    # DeleteObject without a version in a versioned bucket inserts a delete marker.
    deleted = s3.delete_object(Bucket=bucket, Key="doc")
    assert deleted["DeleteMarker"] is True
    from .test_buckets import error_of
    assert error_of(s3.get_object, Bucket=bucket, Key="doc") == ("NoSuchKey", 404)
    listed = s3.list_object_versions(Bucket=bucket)
    assert [v["VersionId"] for v in listed["Versions"]] == [v2, v1]
    assert [m["VersionId"] for m in listed["DeleteMarkers"]] == [deleted["VersionId"]]
    assert listed["DeleteMarkers"][0]["IsLatest"] is True
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0
    # Deleting the delete marker makes the previous version current again.
    s3.delete_object(Bucket=bucket, Key="doc", VersionId=deleted["VersionId"])
    assert s3.get_object(Bucket=bucket, Key="doc")["Body"].read() == b"two"
    s3.delete_object(Bucket=bucket, Key="doc", VersionId=v2)
    assert s3.get_object(Bucket=bucket, Key="doc")["Body"].read() == b"one"
    assert error_of(s3.get_object, Bucket=bucket, Key="doc", VersionId="0" * 32) == ("NoSuchVersion", 404)


def test_suspended_versioning_writes_the_null_version(s3, bucket):
    from .test_buckets import error_of
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    kept = s3.put_object(Bucket=bucket, Key="doc", Body=b"versioned")["VersionId"]
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Suspended"})
    # "If versioning is suspended, Amazon S3 ... adds the object with a version ID of null",
    # replacing an existing null version.
    s3.put_object(Bucket=bucket, Key="doc", Body=b"null one")
    s3.put_object(Bucket=bucket, Key="doc", Body=b"null two")
    versions = s3.list_object_versions(Bucket=bucket)["Versions"]
    assert sorted(v["VersionId"] for v in versions) == sorted([kept, "null"])
    assert s3.get_object(Bucket=bucket, Key="doc")["Body"].read() == b"null two"
    assert s3.get_object(Bucket=bucket, Key="doc", VersionId=kept)["Body"].read() == b"versioned"
    marker = s3.delete_object(Bucket=bucket, Key="doc")
    assert marker["DeleteMarker"] is True and marker["VersionId"] == "null"
    # GetObject on a delete marker's version: "405 Method Not Allowed".
    assert error_of(s3.get_object, Bucket=bucket, Key="doc", VersionId="null") == ("MethodNotAllowed", 405)
    assert error_of(s3.get_object, Bucket=bucket, Key="doc", VersionId="not a version!") == ("InvalidArgument", 400)


def test_object_versions_paginate(s3, bucket):
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    expected = []
    for key in ("a", "b", "c"):
        made = [s3.put_object(Bucket=bucket, Key=key, Body=b"x")["VersionId"] for _ in range(3)]
        expected += [(key, v) for v in reversed(made)]  # newest first within a key
    seen = []
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket, PaginationConfig={"PageSize": 2}):
        assert len(page.get("Versions", [])) <= 2
        seen += [(v["Key"], v["VersionId"]) for v in page.get("Versions", [])]
    assert seen == expected
