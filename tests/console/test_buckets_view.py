"""The S3 section: buckets, a folder view by prefix, object details, download and upload."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .conftest import SAM_STACK, Site
from .helpers import aws, physical_ids, wait_until


def test_folders_details_download_and_upload(page: Any, sam_site: Site, tmp_path: Path) -> None:
    bucket = physical_ids(sam_site.base, SAM_STACK)["FilesBucket"]
    s3 = aws(sam_site.base, "s3")
    s3.put_object(Bucket=bucket, Key="reports/2026/march.csv", Body=b"a,b\n1,2\n", ContentType="text/csv",
                  Metadata={"owner": "ada"})
    s3.put_object(Bucket=bucket, Key="reports/summary.txt", Body=b"all good")
    s3.put_object(Bucket=bucket, Key="top.txt", Body=b"top")

    page.goto(sam_site.url("#/buckets"))
    page.get_by_role("link", name=bucket).click()
    page.wait_for_selector("#objects")
    names = page.locator("#objects tbody td:nth-child(1)").all_inner_texts()
    assert any("reports/" in n for n in names) and "top.txt" in names
    assert not any("march" in n for n in names)  # keys under a folder stay in it

    page.get_by_role("link", name="📁 reports/").click()
    page.get_by_role("link", name="📁 2026/").click()
    page.get_by_role("link", name="march.csv").click()
    details = page.locator("#object-details").inner_text()
    etag = s3.head_object(Bucket=bucket, Key="reports/2026/march.csv")["ETag"]
    assert "text/csv" in details and etag in details and "8 B" in details
    assert "owner" in page.locator("#object-metadata").inner_text()
    with page.expect_download() as download:
        page.locator("#object-download").click()
    assert Path(download.value.path()).read_bytes() == b"a,b\n1,2\n"

    # Upload into the folder being shown.
    page.locator("#bucket-path").get_by_role("link", name="reports").click()
    wait_until(page, "() => document.querySelector('#upload-file')")
    local = tmp_path / "receipt.json"
    local.write_text('{"paid": true}')
    page.locator("#upload-file").set_input_files(str(local))
    page.locator("#upload").click()
    page.get_by_role("link", name="receipt.json").wait_for()
    uploaded = s3.get_object(Bucket=bucket, Key="reports/receipt.json")
    assert uploaded["Body"].read() == b'{"paid": true}' and uploaded["ContentType"] == "application/json"
