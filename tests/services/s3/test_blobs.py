"""Storage safety: keys never become paths, concurrent writers never mix, a crash never leaves
a partial object visible, large bodies stream."""

from __future__ import annotations

import hashlib
import http.client
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from statewright.services.common import RequestContext
from statewright.services.s3 import S3Service
from statewright.services.s3.blobs import BlobStore

from .server import free_port, s3_client, wait_for_port

HOSTILE = ["../../../../etc/passwd", "/etc/passwd", "..", ".", "a/../../b", "nul\x00byte", "\\windows\\path",
           "C:\\x", "caf\u00e9", "cafe\u0301", "\ufeffbom", "x" * 1024, "é" * 512, "line\nbreak", "%2e%2e%2f",
           "objects/00/" + "0" * 32, "tmp/x", "catalog.db"]


def files_under(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


def test_hostile_keys_stay_data(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    root = tmp_path / "data" / "s3"
    service = S3Service(root)
    context = RequestContext()
    service.handle("CreateBucket", {"Bucket": "safe"}, context)
    for index, key in enumerate(HOSTILE):
        service.handle("PutObject", {"Bucket": "safe", "Key": key, "Body": f"{index}".encode()}, context)
    # Every key reads back its own bytes: "café" precomposed and decomposed are two keys, as
    # on S3, which does not normalise Unicode.
    for index, key in enumerate(HOSTILE):
        got = service.handle("GetObject", {"Bucket": "safe", "Key": key}, context)
        assert b"".join(got["Body"]) == f"{index}".encode()
    assert list(outside.iterdir()) == []
    blobs = [p for p in (root / "objects").rglob("*") if p.is_file()]
    assert len(blobs) == len(HOSTILE)
    # Object files are named by generated ids only.
    assert all(len(p.name) == 32 and p.resolve().is_relative_to(root.resolve()) for p in blobs)
    service.close()


def test_blob_ids_are_never_paths(tmp_path):
    store = BlobStore(tmp_path)
    from statewright.services.common import AwsError
    for bad in ("../x", "/etc/passwd", "0" * 31, "g" * 32):
        with pytest.raises(AwsError):
            store.path(bad)


def test_sweep_removes_uncommitted_files(tmp_path):
    service = S3Service(tmp_path)
    service.handle("CreateBucket", {"Bucket": "b-1"}, RequestContext())
    service.handle("PutObject", {"Bucket": "b-1", "Key": "kept", "Body": b"k"}, RequestContext())
    service.close()
    # What a crash can leave: a temporary file, and a placed file no row refers to.
    (tmp_path / "tmp" / "leftover").write_bytes(b"partial")
    orphan = tmp_path / "objects" / "ab" / ("ab" + "1" * 30)
    orphan.parent.mkdir(exist_ok=True)
    orphan.write_bytes(b"never committed")
    again = S3Service(tmp_path)
    assert not orphan.exists() and list((tmp_path / "tmp").iterdir()) == []
    assert b"".join(again.handle("GetObject", {"Bucket": "b-1", "Key": "kept"}, RequestContext())["Body"]) == b"k"
    again.close()


def test_concurrent_writers_last_complete_write_wins(s3_server, s3, bucket):
    size = 2 * 1024 * 1024
    bodies = [bytes([65 + n]) * size for n in range(6)]
    errors: list[BaseException] = []

    def write(body: bytes) -> None:
        client = s3_client(s3_server.endpoint)
        try:
            for _ in range(3):
                client.put_object(Bucket=bucket, Key="contended", Body=body)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            client.close()

    threads = [threading.Thread(target=write, args=(b,)) for b in bodies]
    reads: list[bytes] = []

    def read() -> None:
        client = s3_client(s3_server.endpoint)
        try:
            for _ in range(10):
                try:
                    reads.append(client.get_object(Bucket=bucket, Key="contended")["Body"].read())
                except client.exceptions.NoSuchKey:
                    pass
        finally:
            client.close()

    reader = threading.Thread(target=read)
    for thread in [*threads, reader]:
        thread.start()
    for thread in [*threads, reader]:
        thread.join(120)
    assert errors == []
    final = s3.get_object(Bucket=bucket, Key="contended")["Body"].read()
    # Every read, and the final state, is one whole body: never a mix of two writers.
    for seen in [*reads, final]:
        assert seen in bodies


def test_large_object_streams_through(s3, bucket, tmp_path):
    path = tmp_path / "big.bin"
    chunk = os.urandom(1024 * 1024)
    with open(path, "wb") as out:
        for _ in range(64):
            out.write(chunk)
    with open(path, "rb") as body:
        s3.put_object(Bucket=bucket, Key="big", Body=body)
    streamed = s3.get_object(Bucket=bucket, Key="big")["Body"]
    digest, total = hashlib.md5(), 0
    for piece in streamed.iter_chunks(1024 * 1024):
        digest.update(piece)
        total += len(piece)
    assert total == 64 * 1024 * 1024
    assert digest.hexdigest() == hashlib.md5(chunk * 64).hexdigest()


def _start(data: Path, port: int) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, "-m", "tests.services.s3.server", str(data), str(port)],
                               cwd=Path(__file__).resolve().parents[3], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    wait_for_port(port)
    return process


def test_kill_during_large_upload_leaves_no_partial_object(tmp_path):
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    server = _start(tmp_path, port)
    try:
        client = s3_client(endpoint)
        client.create_bucket(Bucket="crash")
        client.put_object(Bucket="crash", Key="doc", Body=b"old complete version")
        client.close()
        # A raw streaming PUT that sends part of its body, then the server is killed.
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.putrequest("PUT", "/crash/doc")
        connection.putheader("Content-Length", str(200 * 1024 * 1024))
        connection.endheaders()
        for _ in range(40):
            connection.send(b"N" * (1024 * 1024))
        time.sleep(0.5)
        server.send_signal(signal.SIGKILL)
        server.wait(30)
        connection.close()
        tmp_files = list((tmp_path / "s3" / "tmp").iterdir())
        assert tmp_files, "the upload should have been in progress"
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(30)
    server = _start(tmp_path, port)
    try:
        client = s3_client(endpoint)
        assert client.get_object(Bucket="crash", Key="doc")["Body"].read() == b"old complete version"
        assert [o["Key"] for o in client.list_objects_v2(Bucket="crash")["Contents"]] == ["doc"]
        client.close()
        assert list((tmp_path / "s3" / "tmp").iterdir()) == []
    finally:
        server.kill()
        server.wait(30)



def test_entity_too_large_leaves_nothing(tmp_path):
    from statewright.services.common import AwsError
    store = BlobStore(tmp_path)
    with pytest.raises(AwsError) as caught:
        store.write([b"x" * 6, b"y" * 6], limit=10)
    assert caught.value.code == "EntityTooLarge"
    assert files_under(tmp_path) == set()


def test_kill_during_multipart_complete_is_all_or_nothing(tmp_path):
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    server = _start(tmp_path, port)
    parts = [os.urandom(5 * 1024 * 1024) for _ in range(8)]
    try:
        client = s3_client(endpoint)
        client.create_bucket(Bucket="crash")
        upload = client.create_multipart_upload(Bucket="crash", Key="big")["UploadId"]
        etags = [client.upload_part(Bucket="crash", Key="big", UploadId=upload, PartNumber=n, Body=p)["ETag"]
                 for n, p in enumerate(parts, 1)]
        done = threading.Event()

        def complete() -> None:
            try:
                client.complete_multipart_upload(Bucket="crash", Key="big", UploadId=upload, MultipartUpload={
                    "Parts": [{"PartNumber": n, "ETag": e} for n, e in enumerate(etags, 1)]})
            except Exception:  # noqa: BLE001 - the server is killed under it
                pass
            done.set()

        worker = threading.Thread(target=complete)
        worker.start()
        time.sleep(0.15)
        server.send_signal(signal.SIGKILL)
        server.wait(30)
        worker.join(60)
        client.close()
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(30)
    server = _start(tmp_path, port)
    try:
        client = s3_client(endpoint)
        listed = client.list_objects_v2(Bucket="crash")
        uploads = client.list_multipart_uploads(Bucket="crash").get("Uploads", [])
        if listed["KeyCount"]:
            # Completed before the kill: the whole object, and the upload is gone.
            assert client.get_object(Bucket="crash", Key="big")["Body"].read() == b"".join(parts)
            assert uploads == []
        else:
            # Killed before the commit: no object, and the upload with all its parts remains.
            assert [u["UploadId"] for u in uploads] == [upload]
            assert len(client.list_parts(Bucket="crash", Key="big", UploadId=upload)["Parts"]) == 8
        client.close()
    finally:
        server.kill()
        server.wait(30)
