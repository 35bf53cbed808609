"""ACLs: disabled by default (BucketOwnerEnforced), stored and described once enabled."""

from __future__ import annotations

from .test_buckets import error_of


def test_acls_disabled_by_default(s3, bucket):
    acl = s3.get_bucket_acl(Bucket=bucket)
    assert acl["Grants"][0]["Permission"] == "FULL_CONTROL"
    assert acl["Grants"][0]["Grantee"]["Type"] == "CanonicalUser"
    # "If the bucket that you're uploading objects to uses the bucket owner enforced setting
    # for S3 Object Ownership, ACLs are disabled ... requests to set ACLs or update ACLs fail
    # and return the AccessControlListNotSupported error code", except bucket-owner-full-control.
    assert error_of(s3.put_object, Bucket=bucket, Key="k", Body=b"x", ACL="public-read") == \
        ("AccessControlListNotSupported", 400)
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", ACL="bucket-owner-full-control")
    assert error_of(s3.put_bucket_acl, Bucket=bucket, ACL="public-read") == ("AccessControlListNotSupported", 400)


def test_acls_once_enabled(s3, bucket):
    s3.put_bucket_ownership_controls(Bucket=bucket, OwnershipControls={"Rules": [{"ObjectOwnership": "ObjectWriter"}]})
    s3.put_object(Bucket=bucket, Key="pub", Body=b"x", ACL="public-read")
    grants = s3.get_object_acl(Bucket=bucket, Key="pub")["Grants"]
    assert {"Grantee": {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AllUsers"},
            "Permission": "READ"} in grants
    s3.put_bucket_acl(Bucket=bucket, ACL="public-read")
    assert any(g["Grantee"].get("URI", "").endswith("AllUsers") for g in s3.get_bucket_acl(Bucket=bucket)["Grants"])
    owner = s3.get_bucket_acl(Bucket=bucket)["Owner"]
    s3.put_object_acl(Bucket=bucket, Key="pub", AccessControlPolicy={"Owner": owner, "Grants": [
        {"Grantee": {"Type": "CanonicalUser", "ID": owner["ID"]}, "Permission": "FULL_CONTROL"}]})
    assert s3.get_object_acl(Bucket=bucket, Key="pub")["Grants"] == [
        {"Grantee": {"Type": "CanonicalUser", "ID": owner["ID"]}, "Permission": "FULL_CONTROL"}]
