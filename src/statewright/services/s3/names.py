"""Bucket names and object keys as S3 accepts them."""

from __future__ import annotations

import ipaddress
import re

from statewright.services.common import AwsError

_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
# AWS: "Bucket names must not start with the prefix xn--, sthree-, amzn-s3-demo-" and "must not
# end with the suffix -s3alias, --ol-s3, .mrap, --x-s3, --table-s3".
_BAD_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_BAD_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")
# AWS: "The name for a key is a sequence of Unicode characters whose UTF-8 encoding is at most
# 1,024 bytes long."
MAX_KEY_BYTES = 1024


def bucket_name_error(name: str) -> str | None:
    """Why `name` breaks AWS's general purpose bucket naming rules, or None."""
    if not 3 <= len(name) <= 63:
        return "Bucket names must be between 3 (min) and 63 (max) characters long."
    if not _BUCKET.match(name):
        return ("Bucket names can consist only of lowercase letters, numbers, periods (.), and hyphens (-), "
                "and must begin and end with a letter or number.")
    if ".." in name:
        return "Bucket names must not contain two adjacent periods."
    try:
        ipaddress.IPv4Address(name)
        return "Bucket names must not be formatted as an IP address."
    except ValueError:
        pass
    if name.startswith(_BAD_PREFIXES) or name.endswith(_BAD_SUFFIXES):
        return "Bucket names must not use a reserved prefix or suffix."
    return None


def check_bucket_name(name: object) -> str:
    if not isinstance(name, str) or bucket_name_error(name) is not None:
        raise AwsError("InvalidBucketName", "The specified bucket is not valid.", 400,
                       fields={"BucketName": str(name)})
    return name


def check_key(key: object) -> str:
    """An object key: any Unicode text whose UTF-8 form is 1–1,024 bytes. It is only ever data
    (stored in the catalog), never part of a file path."""
    if not isinstance(key, str) or key == "":
        raise AwsError("InvalidArgument", "Object key must not be empty.", 400)
    try:
        size = len(key.encode("utf-8"))
    except UnicodeEncodeError as error:
        raise AwsError("InvalidArgument", "Object keys must be valid UTF-8.", 400) from error
    if size > MAX_KEY_BYTES:
        raise AwsError("KeyTooLongError", "Your key is too long", 400,
                       fields={"MaxSizeAllowed": str(MAX_KEY_BYTES), "Size": str(size)})
    return key
