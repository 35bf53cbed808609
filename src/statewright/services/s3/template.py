"""`AWS::S3::Bucket` from a template: CloudFormation's properties turned into S3 API calls,
reconciled on every start (created when missing, configurations put or removed to match), so a
bucket from the template is kept across restarts with its objects."""

from __future__ import annotations

from typing import Any

from statewright.services.common import AwsError, RequestContext

from .service import S3Service


def _cors(config: dict[str, Any]) -> dict[str, Any]:
    rules = []
    for rule in config.get("CorsRules") or []:
        out: dict[str, Any] = {"AllowedMethods": list(rule["AllowedMethods"]),
                               "AllowedOrigins": list(rule["AllowedOrigins"])}
        for cfn, api in (("AllowedHeaders", "AllowedHeaders"), ("ExposedHeaders", "ExposeHeaders")):
            if rule.get(cfn):
                out[api] = list(rule[cfn])
        if rule.get("Id"):
            out["ID"] = rule["Id"]
        if rule.get("MaxAge") is not None:
            out["MaxAgeSeconds"] = int(rule["MaxAge"])
        rules.append(out)
    return {"CORSRules": rules}


def _lifecycle_rule(rule: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"Status": rule.get("Status", "Enabled")}
    if rule.get("Id"):
        out["ID"] = rule["Id"]
    prefix = rule.get("Prefix", "")
    tags = [{"Key": t["Key"], "Value": t["Value"]} for t in rule.get("TagFilters") or []]
    out["Filter"] = {"And": {"Prefix": prefix, "Tags": tags}} if tags else {"Prefix": prefix}
    expiration: dict[str, Any] = {}
    if rule.get("ExpirationInDays") is not None:
        expiration["Days"] = int(rule["ExpirationInDays"])
    if rule.get("ExpirationDate"):
        expiration["Date"] = rule["ExpirationDate"]
    if rule.get("ExpiredObjectDeleteMarker") is not None:
        expiration["ExpiredObjectDeleteMarker"] = bool(rule["ExpiredObjectDeleteMarker"])
    if expiration:
        out["Expiration"] = expiration
    noncurrent = rule.get("NoncurrentVersionExpiration") or (
        {"NoncurrentDays": rule["NoncurrentVersionExpirationInDays"]}
        if rule.get("NoncurrentVersionExpirationInDays") is not None else None)
    if noncurrent:
        out["NoncurrentVersionExpiration"] = {"NoncurrentDays": int(noncurrent["NoncurrentDays"])}
    if rule.get("AbortIncompleteMultipartUpload"):
        out["AbortIncompleteMultipartUpload"] = {
            "DaysAfterInitiation": int(rule["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"])}
    return out


def _notifications(config: dict[str, Any]) -> dict[str, Any]:
    lambdas = []
    for index, item in enumerate(config.get("LambdaConfigurations") or []):
        rules = ((item.get("Filter") or {}).get("S3Key") or {}).get("Rules") or []
        entry: dict[str, Any] = {"Id": f"lambda-{index}", "LambdaFunctionArn": item["Function"],
                                 "Events": [item["Event"]]}
        if rules:
            entry["Filter"] = {"Key": {"FilterRules": [{"Name": r["Name"], "Value": r["Value"]} for r in rules]}}
        lambdas.append(entry)
    return {"LambdaFunctionConfigurations": lambdas} if lambdas else {}


def _encryption(config: dict[str, Any]) -> dict[str, Any]:
    rules = []
    for rule in config.get("ServerSideEncryptionConfiguration") or []:
        default = rule.get("ServerSideEncryptionByDefault") or {}
        out: dict[str, Any] = {"ApplyServerSideEncryptionByDefault": {
            k: v for k, v in (("SSEAlgorithm", default.get("SSEAlgorithm")),
                              ("KMSMasterKeyID", default.get("KMSMasterKeyID"))) if v}}
        if rule.get("BucketKeyEnabled") is not None:
            out["BucketKeyEnabled"] = bool(rule["BucketKeyEnabled"])
        rules.append(out)
    return {"Rules": rules}


def create_bucket_from_template(service: S3Service, name: str, properties: dict[str, Any],
                                context: RequestContext) -> dict[str, str]:
    """Creates or reconciles the bucket `name` (the template's `BucketName`, or a name the
    caller derived from the logical id) with `AWS::S3::Bucket` `properties`; returns the
    resource's `Ref` and `Fn::GetAtt` attributes."""
    bucket = str(properties.get("BucketName") or name)
    try:
        service.handle("CreateBucket", {"Bucket": bucket}, context)
    except AwsError as error:
        if error.code != "BucketAlreadyOwnedByYou":
            raise
    # (property, put operation and member, converter, delete operation)
    plan = [
        ("CorsConfiguration", "PutBucketCors", "CORSConfiguration", _cors, "DeleteBucketCors"),
        ("LifecycleConfiguration", "PutBucketLifecycleConfiguration", "LifecycleConfiguration",
         lambda c: {"Rules": [_lifecycle_rule(r) for r in c.get("Rules") or []]}, "DeleteBucketLifecycle"),
        ("BucketEncryption", "PutBucketEncryption", "ServerSideEncryptionConfiguration", _encryption,
         "DeleteBucketEncryption"),
        ("PublicAccessBlockConfiguration", "PutPublicAccessBlock", "PublicAccessBlockConfiguration", dict,
         "DeletePublicAccessBlock"),
        ("Tags", "PutBucketTagging", "Tagging", lambda tags: {"TagSet": list(tags)}, "DeleteBucketTagging"),
    ]
    for prop, put, member, convert, delete in plan:
        if properties.get(prop):
            service.handle(put, {"Bucket": bucket, member: convert(properties[prop])}, context)
        else:
            service.handle(delete, {"Bucket": bucket}, context)
    service.handle("PutBucketNotificationConfiguration", {
        "Bucket": bucket, "NotificationConfiguration": _notifications(properties.get("NotificationConfiguration") or {})},
        context)
    versioning = (properties.get("VersioningConfiguration") or {}).get("Status")
    current = service.handle("GetBucketVersioning", {"Bucket": bucket}, context).get("Status")
    if versioning and versioning != current:
        service.handle("PutBucketVersioning", {"Bucket": bucket, "VersioningConfiguration": {"Status": versioning}},
                       context)
    elif not versioning and current == "Enabled":
        # A bucket's versioning can be suspended, never switched off again (as on AWS).
        service.handle("PutBucketVersioning", {"Bucket": bucket, "VersioningConfiguration": {"Status": "Suspended"}},
                       context)
    region = service.handle("HeadBucket", {"Bucket": bucket}, context)["BucketRegion"]
    return {"Ref": bucket, "Arn": f"arn:{context.partition}:s3:::{bucket}",
            "DomainName": f"{bucket}.s3.amazonaws.com",
            "RegionalDomainName": f"{bucket}.s3.{region}.amazonaws.com",
            "WebsiteURL": f"http://{bucket}.s3-website-{region}.amazonaws.com"}
