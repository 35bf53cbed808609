// S3: buckets, a folder view of a bucket's keys by prefix (ListObjectsV2 with a delimiter),
// object details from HeadObject (size, type, ETag, metadata), download and upload.

import { s3, toDate, xmlAll, xmlText } from "../api.js";
import { errorNotice, formatDate, h, notice, replace, toast } from "../dom.js";
import { href, navigate } from "../router.js";
import { keyValues, listTable, section, viewHeader } from "../widgets/list-table.js";

// A path-style URL for an object: each key segment encoded, the slashes kept.
export const objectPath = (bucket, key) => `/${encodeURIComponent(bucket)}/${key.split("/").map(encodeURIComponent).join("/")}`;

function size(bytes) {
  const n = Number(bytes);
  if (!Number.isFinite(n)) return "—";
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export async function bucketsView(root) {
  const body = h("div", {}, notice("loading", "Loading buckets…"));
  replace(root, viewHeader("S3 buckets"), body);
  let doc;
  try {
    ({ doc } = await s3("GET", "/"));
  } catch (err) {
    replace(body, errorNotice(err));
    return;
  }
  const buckets = xmlAll(doc, "Bucket");
  if (!buckets.length) {
    replace(body, notice("empty", "No buckets", "Buckets come from a template or CreateBucket."));
    return;
  }
  replace(body, listTable("buckets", "S3 buckets", ["Name", "Created"], buckets.map((b) => [
    h("a", { href: href(["buckets", xmlText(b, "Name")]) }, xmlText(b, "Name")), formatDate(toDate(xmlText(b, "CreationDate")))])));
}

function crumbs(bucket, prefix) {
  const parts = prefix.split("/").filter(Boolean);
  const links = [h("a", { href: href(["buckets", bucket]) }, bucket)];
  parts.forEach((part, i) => links.push(" / ", h("a", { href: href(["buckets", bucket], { prefix: `${parts.slice(0, i + 1).join("/")}/` }) }, part)));
  return h("p", { class: "crumbs", id: "bucket-path" }, links);
}

function uploader(bucket, prefix, onDone) {
  const input = h("input", { type: "file", id: "upload-file", multiple: true });
  const progress = h("p", { class: "meta", id: "upload-status", "aria-live": "polite" });
  const button = h("button", { type: "submit", class: "primary", id: "upload" }, "Upload");
  return h("form", { class: "filters", onsubmit: async (e) => {
    e.preventDefault();
    const files = [...input.files];
    if (!files.length) { progress.textContent = "Choose a file first."; return; }
    button.disabled = true;
    try {
      for (const [i, file] of files.entries()) {
        progress.textContent = `Uploading ${file.name} (${i + 1} of ${files.length})…`;
        await s3("PUT", objectPath(bucket, prefix + file.name), { body: file, headers: { "Content-Type": file.type || "application/octet-stream" } });
      }
      progress.textContent = `Uploaded ${files.length} file${files.length > 1 ? "s" : ""}.`;
      toast(progress.textContent);
      onDone();
    } catch (err) {
      progress.textContent = `${err.type}: ${err.message}`;
    } finally {
      button.disabled = false;
    }
  } }, h("div", {}, h("label", { for: "upload-file" }, `Upload to ${prefix || "/"}`), input), button, progress);
}

async function folder(body, bucket, prefix) {
  replace(body, notice("loading", "Listing…"));
  const prefixes = [];
  const objects = [];
  let token;
  try {
    do {
      const { doc } = await s3("GET", `/${encodeURIComponent(bucket)}`, { query: { "list-type": 2, delimiter: "/", prefix, "continuation-token": token } });
      prefixes.push(...xmlAll(doc, "CommonPrefixes").map((p) => xmlText(p, "Prefix")));
      objects.push(...xmlAll(doc, "Contents").map((c) => ({ key: xmlText(c, "Key"), size: xmlText(c, "Size"), modified: xmlText(c, "LastModified") })));
      token = xmlText(doc, "IsTruncated") === "true" ? xmlText(doc, "NextContinuationToken") : undefined;
    } while (token && objects.length < 5000);
  } catch (err) {
    replace(body, errorNotice(err));
    return;
  }
  const rows = [
    ...prefixes.map((p) => [h("a", { href: href(["buckets", bucket], { prefix: p }), class: "folder" }, `📁 ${p.slice(prefix.length)}`), "folder", "", ""]),
    ...objects.filter((o) => o.key !== prefix).map((o) => [h("a", { href: href(["buckets", bucket], { key: o.key }) }, o.key.slice(prefix.length)),
      size(o.size), formatDate(toDate(o.modified)), h("a", { href: objectPath(bucket, o.key), download: o.key.split("/").pop() }, "download")]),
  ];
  replace(body, crumbs(bucket, prefix), uploader(bucket, prefix, () => folder(body, bucket, prefix)),
    rows.length ? listTable("objects", "Objects", ["Name", "Size", "Last modified", ""], rows) : notice("empty", "Empty", "No objects under this prefix."));
}

async function objectDetails(body, bucket, key) {
  let response;
  try {
    ({ response } = await s3("HEAD", objectPath(bucket, key)));
  } catch (err) {
    replace(body, errorNotice(err));
    return;
  }
  const meta = [...response.headers.entries()].filter(([k]) => k.startsWith("x-amz-meta-"));
  const folderPrefix = key.includes("/") ? key.slice(0, key.lastIndexOf("/") + 1) : "";
  replace(body, crumbs(bucket, folderPrefix),
    h("h2", { id: "object-key" }, key),
    keyValues("object-details", [["Size", size(response.headers.get("content-length"))],
      ["Type", response.headers.get("content-type")], ["ETag", response.headers.get("etag")],
      ["Last modified", response.headers.get("last-modified")], ["Storage class", response.headers.get("x-amz-storage-class") || "STANDARD"]]),
    section("Metadata", meta.length ? listTable("object-metadata", "Metadata", ["Key", "Value"], meta.map(([k, v]) => [k.slice("x-amz-meta-".length), v]))
      : h("p", { class: "muted" }, "No user metadata.")),
    h("div", { class: "actions" },
      h("a", { class: "button primary", id: "object-download", href: objectPath(bucket, key), download: key.split("/").pop() }, "Download"),
      h("button", { type: "button", class: "danger", id: "object-delete", onclick: async () => {
        if (!window.confirm(`Delete ${key}?`)) return;
        try {
          await s3("DELETE", objectPath(bucket, key));
          toast(`Deleted ${key}`);
          navigate(["buckets", bucket], { prefix: folderPrefix });
        } catch (err) {
          toast(`${err.type}: ${err.message}`, "error");
        }
      } }, "Delete")));
}

export async function bucketView(root, { segments, params }) {
  const bucket = segments[1];
  const body = h("div", {});
  replace(root, viewHeader(bucket, { crumb: ["S3 buckets", href(["buckets"])] }), body);
  if (params.key) await objectDetails(body, bucket, params.key);
  else await folder(body, bucket, params.prefix || "");
}
