// Receipts: checked here (type and size, as the API will), registered with the API, then sent
// straight to S3 with the presigned PUT it hands out, with progress.

import { ApiError, tasks } from "./api.js";
import { h, replace } from "./dom.js";

export const MAX_BYTES = 10 * 1024 * 1024;
const BY_EXTENSION = { pdf: "application/pdf", png: "image/png", jpg: "image/jpeg", jpeg: "image/jpeg",
  webp: "image/webp", txt: "text/plain", csv: "text/csv" };
export const ACCEPT = Object.keys(BY_EXTENSION).map((e) => `.${e}`).join(",");

export function contentType(file) {
  const allowed = new Set(Object.values(BY_EXTENSION));
  if (allowed.has(file.type)) return file.type;
  const ext = file.name.split(".").pop().toLowerCase();
  return file.type ? null : BY_EXTENSION[ext] || null;
}

// A reason the file cannot be attached, or null.
export function problem(file) {
  if (!contentType(file)) return `${file.name}: only PDF, PNG, JPEG, WebP, text or CSV files can be attached`;
  if (file.size === 0) return `${file.name} is empty`;
  if (file.size > MAX_BYTES) return `${file.name} is ${(file.size / 1048576).toFixed(1)} MB; the limit is 10 MB`;
  return null;
}

function put(url, method, headers, file, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method || "PUT", url);
    // Content-Length is the browser's to set (a forbidden header); it is the file's size.
    for (const [name, value] of Object.entries(headers || {})) {
      if (name.toLowerCase() !== "content-length") xhr.setRequestHeader(name, value);
    }
    xhr.upload.onprogress = (event) => { if (event.lengthComputable) onProgress(event.loaded / event.total); };
    xhr.onload = () => (xhr.status >= 200 && xhr.status < 300 ? resolve()
      : reject(new ApiError(xhr.status, "UploadFailed", `S3 refused the upload (HTTP ${xhr.status})`)));
    xhr.onerror = () => reject(new ApiError(0, "UploadFailed", "the upload did not reach S3"));
    xhr.send(file);
  });
}

export async function upload(taskId, file, onProgress = () => {}) {
  const reason = problem(file);
  if (reason) throw new ApiError(0, "InvalidFile", reason);
  const grant = await tasks.addAttachment(taskId, { fileName: file.name, contentType: contentType(file), size: file.size });
  onProgress(0);
  await put(grant.uploadUrl, grant.uploadMethod, grant.uploadHeaders, file, onProgress);
  onProgress(1);
  return grant;
}

// A drop zone with a file picker (for the keyboard): calls onFiles with the chosen files.
export function dropZone(onFiles, label = "Drop receipts here, or choose files") {
  const input = h("input", { type: "file", accept: ACCEPT, multiple: true, class: "visually-hidden",
    onchange: () => { onFiles([...input.files]); input.value = ""; } });
  const zone = h("label", { class: "dropzone" }, input, h("span", {}, label),
    h("span", { class: "hint" }, "PDF, PNG, JPEG, WebP, text or CSV; up to 10 MB each"));
  zone.addEventListener("dragover", (event) => { event.preventDefault(); zone.classList.add("over"); });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("over");
    onFiles([...event.dataTransfer.files]);
  });
  return zone;
}

// One row per file: name, a progress bar, then done or the error.
export function uploadRow(file) {
  const bar = h("progress", { max: 1, value: 0, "aria-label": `Upload of ${file.name}` });
  const state = h("span", { class: "state" }, "waiting");
  const row = h("li", { class: "upload", dataset: { file: file.name } }, h("span", { class: "name" }, file.name), bar, state);
  return {
    row,
    progress: (fraction) => { bar.value = fraction; replace(state, `${Math.round(fraction * 100)}%`); },
    done: () => { bar.value = 1; row.dataset.done = "true"; replace(state, "uploaded"); },
    fail: (error) => { row.dataset.failed = "true"; row.classList.add("failed"); replace(state, error.message); },
  };
}
