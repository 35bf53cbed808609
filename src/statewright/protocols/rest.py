"""What restJson1 and restXml share: finding the operation from the method and the model's
`requestUri` templates, and the members bound to the URI, query string, headers and status code.
The body (JSON or XML) is the protocol's own part."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, unquote

from .errors import ProtocolError
from .types import HttpRequest, ParsedRequest
from .values import format_text, parse_text

# SDKs add `x-id=<Operation>` to some URIs (S3's GetObject) so that a server can tell operations
# apart; other clients do not send it, so it never decides a match.
OPTIONAL_QUERY = ("x-id",)
_LABEL = re.compile(r"{([^}]+)}")


@dataclass(frozen=True)
class UriTemplate:
    """One operation's `requestUri`, compiled: the path as a regex with a group per label, and
    the literal query keys (`?uploads`, `?list-type=2`) the request must carry."""

    operation: str
    method: str
    path: re.Pattern[str]
    labels: tuple[tuple[str, str], ...]  # (regex group, label name without "+")
    query: tuple[tuple[str, str | None], ...]
    literal_chars: int
    # Required members bound to the query string or headers, and every query key the input
    # knows: S3's DELETE /{Bucket}/{Key+} is AbortMultipartUpload with ?uploadId=…, DeleteObject
    # without; PUT with x-amz-copy-source is CopyObject, without it PutObject.
    required_query: tuple[str, ...] = ()
    required_headers: tuple[str, ...] = ()
    query_keys: frozenset[str] = frozenset()
    x_id: str | None = None
    # wire-identical twins (S3's GetBucketLifecycle and GetBucketLifecycleConfiguration): the
    # current one wins
    deprecated: bool = False

    def score(self, query: dict[str, list[str]], headers: dict[str, str]) -> tuple[int, ...]:
        present = sum(1 for key in self.required_query if key in query) + \
            sum(1 for key in self.required_headers if key in headers)
        missing = len(self.required_query) + len(self.required_headers) - present
        return (int(self.x_id is not None and self.x_id in query.get("x-id", ())), len(self.query),
                present - 2 * missing, sum(1 for key in query if key in self.query_keys),
                self.literal_chars, int(not self.deprecated))


def compile_template(operation: Any) -> UriTemplate:
    """An operation's `requestUri` as a matcher."""
    http = operation.http
    method, uri = http.get("method", "POST"), http.get("requestUri", "/")
    path, _, query = uri.partition("?")
    pattern, labels, literal, position = ["^"], [], 0, 0
    for index, found in enumerate(_LABEL.finditer(path)):
        text = path[position:found.start()]
        pattern.append(re.escape(text))
        literal += len(text)
        name = found.group(1)
        group = f"g{index}"
        pattern.append(f"(?P<{group}>.+)" if name.endswith("+") else f"(?P<{group}>[^/]+)")
        labels.append((group, name.rstrip("+")))
        position = found.end()
    tail = path[position:]
    pattern.append(re.escape(tail))
    literal += len(tail)
    pattern.append("/?$" if not path.endswith("/") else "$")
    literals, x_id = [], None
    for part in filter(None, query.split("&")):
        key, has_value, value = part.partition("=")
        if key in OPTIONAL_QUERY:
            x_id = value
        else:
            literals.append((key, value if has_value else None))
    members = operation.input_shape.members if operation.input_shape is not None else {}
    required = set(operation.input_shape.required_members) if operation.input_shape is not None else set()

    def bound(location: str, names: set[str] | dict[str, Any]) -> tuple[str, ...]:
        return tuple(members[n].serialization.get("name", n) for n in names
                     if members[n].serialization.get("location") == location)

    return UriTemplate(operation.name, method.upper(), re.compile("".join(pattern)), tuple(labels),
                       tuple(literals), literal, bound("querystring", required),
                       tuple(h.lower() for h in bound("header", required)),
                       frozenset(bound("querystring", members)), x_id, bool(operation.deprecated))


class RestBindings:
    """The compiled URI templates of each model (built on first use) and the HTTP bindings of
    members: `uri`, `querystring`, `header`, `headers` (prefix map), `statusCode`."""

    def __init__(self, code: str) -> None:
        self._tables: dict[str, list[UriTemplate]] = {}
        self.code = code  # the error code for values that do not fit their shape

    def table(self, service: Any) -> list[UriTemplate]:
        table = self._tables.get(service.service_name)
        if table is None:
            table = [compile_template(service.operation_model(name)) for name in service.operation_names]
            self._tables[service.service_name] = table
        return table

    def match(self, service: Any, request: HttpRequest) -> tuple[UriTemplate, dict[str, str]] | None:
        """The best operation for the method and path (the one the SDK's `x-id` names, then the
        most literal query keys, then required query members present, then most literal path
        characters), with its URI labels decoded."""
        query = parse_qs(request.query, keep_blank_values=True)
        best: tuple[UriTemplate, dict[str, str]] | None = None
        for template in self.table(service):
            if template.method != request.method.upper():
                continue
            found = template.path.match(request.path)
            if found is None or not all(_query_has(query, k, v) for k, v in template.query):
                continue
            if best is None or template.score(query, request.headers) > best[0].score(query, request.headers):
                best = (template, {name: unquote(found.group(group)) for group, name in template.labels})
        return best

    def match_score(self, service: Any, request: HttpRequest) -> int | None:
        """How specific this model's best match for the request is (None: no match), so that
        routing can prefer Lambda's `/2015-03-31/functions/…` to S3's `/{Bucket}/{Key+}`."""
        found = self.match(service, request)
        return None if found is None else found[0].literal_chars + 1000 * len(found[0].query)

    def read(self, shape: Any, request: HttpRequest, labels: dict[str, str],
             literal_keys: set[str]) -> dict[str, Any]:
        """The members bound outside the body."""
        query = parse_qs(request.query, keep_blank_values=True)
        bound = {m.serialization.get("name", n) for n, m in shape.members.items()
                 if m.serialization.get("location") == "querystring"}
        out: dict[str, Any] = {}
        for name, member in shape.members.items():
            location = member.serialization.get("location")
            wire = member.serialization.get("name", name)
            if location == "uri" and wire in labels:
                out[name] = parse_text(member, labels[wire], name, self.code)
            elif location == "querystring":
                value = self._read_query(member, wire, query, bound | literal_keys, name)
                if value is not None:
                    out[name] = value
            elif location == "header" and wire.lower() in request.headers:
                out[name] = self._read_header(member, request.headers[wire.lower()], name)
            elif location == "headers":
                prefix = wire.lower()
                found = {k[len(prefix):]: v for k, v in request.headers.items() if k.startswith(prefix)}
                if found:
                    out[name] = found
        return out

    def _read_query(self, member: Any, wire: str, query: dict[str, list[str]], taken: set[str],
                    field: str) -> Any:
        if member.type_name == "map":  # every query parameter not bound to another member
            rest = {k: v for k, v in query.items() if k not in taken and k not in OPTIONAL_QUERY}
            if not rest:
                return None
            if member.value.type_name == "list":
                return rest
            return {k: v[-1] for k, v in rest.items()}
        if wire not in query:
            return None
        if member.type_name == "list":
            return [parse_text(member.member, v, field, self.code) for v in query[wire]]
        return parse_text(member, query[wire][-1], field, self.code)

    def _read_header(self, member: Any, text: str, field: str) -> Any:
        if member.type_name == "list":
            return [parse_text(member.member, item, field, self.code) for item in split_header_list(text)]
        if member.type_name == "timestamp":
            return parse_text(member, text.strip(), field, self.code)
        return parse_text(member, text, field, self.code)


def _query_has(query: dict[str, list[str]], key: str, value: str | None) -> bool:
    return key in query and (value is None or value in query[key])


def split_header_list(text: str) -> list[str]:
    """`a, "b,c", d` → ["a", "b,c", "d"] (RFC 7230 lists; quoted items may hold commas)."""
    items, current, quoted, escaped = [], [], False, False
    for char in text:
        if escaped:
            current.append(char)
            escaped = False
        elif char == "\\" and quoted:
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            items.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    items.append("".join(current).strip())
    return items


def write_bindings(shape: Any, output: dict[str, Any], default_status: int) -> tuple[int, list[tuple[str, str]]]:
    """The status and headers of a response from the output members bound to them."""
    status, headers = default_status, []
    for name, member in shape.members.items():
        value = output.get(name)
        location = member.serialization.get("location")
        if value is None or location is None:
            continue
        wire = member.serialization.get("name", name)
        if location == "statusCode":
            status = int(value)
        elif location == "header":
            headers.append((wire, _header_text(member, value)))
        elif location == "headers":
            headers.extend((f"{wire}{key}", str(item)) for key, item in value.items())
    return status, headers


def _header_text(member: Any, value: Any) -> str:
    if member.type_name == "list":
        return ", ".join(_quoted(format_text(member.member, item, "rfc822")) for item in value)
    return format_text(member, value, "rfc822")


def _quoted(text: str) -> str:
    if "," in text or '"' in text:
        return '"' + text.replace('"', '\\"') + '"'
    return text


def raw_payload_input(member: Any, body: bytes, code: str) -> bytes | str:
    """A blob payload's bytes, or a string payload's text (which must be UTF-8)."""
    if member.type_name == "blob":
        return body
    try:
        return body.decode()
    except UnicodeDecodeError:
        raise ProtocolError(code, "The request body must be UTF-8 text") from None


def unknown_operation(request: HttpRequest, code: str) -> ProtocolError:
    return ProtocolError(code, f"No operation matches {request.method} {request.path}", 404)


def is_aws_chunked(request: HttpRequest) -> bool:
    encoding = request.headers.get("content-encoding", "")
    return "aws-chunked" in encoding or request.headers.get("x-amz-content-sha256", "").startswith("STREAMING-")


def decode_aws_chunked(request: HttpRequest) -> HttpRequest:
    """A request whose body came in AWS's chunked encoding (`Content-Encoding: aws-chunked`,
    `x-amz-content-sha256: STREAMING-…`: `<hex size>[;chunk-signature=…]\\r\\n<data>\\r\\n…0\\r\\n
    <trailers>\\r\\n`) as the plain body; trailing headers (`x-amz-checksum-crc32: …`) join the
    headers, where checksum members are bound. Chunk signatures are not verified."""
    body, position, parts = request.body, 0, []
    while True:
        end = body.find(b"\r\n", position)
        size_text = body[position:end].split(b";", 1)[0] if end >= 0 else b""
        try:
            size = int(size_text, 16)
        except ValueError:
            raise ProtocolError("IncompleteBody", "The request body is not valid aws-chunked data") from None
        position = end + 2
        if size == 0:
            break
        if position + size + 2 > len(body) or body[position + size:position + size + 2] != b"\r\n":
            raise ProtocolError("IncompleteBody", "The request body ended inside an aws-chunked chunk")
        parts.append(body[position:position + size])
        position += size + 2
    headers = dict(request.headers)
    for line in body[position:].split(b"\r\n"):
        name, colon, value = line.decode("latin-1").partition(":")
        if colon:
            headers[name.strip().lower()] = value.strip()
    # S3 keeps the object's own encodings (gzip, …) and drops its own transfer encoding
    encodings = [e.strip() for e in headers.pop("content-encoding", "").split(",")]
    kept = [e for e in encodings if e and e != "aws-chunked"]
    if kept:
        headers["content-encoding"] = ", ".join(kept)
    return HttpRequest(request.method, request.path, request.query, headers, b"".join(parts))


class RestRequestReader:
    """How restJson1 and restXml read a request: the operation from the method and the
    `requestUri`, the bound members, then a `payload` member (raw bytes or text for blobs and
    strings, else a decoded body) or the body's members. Subclasses say only how their body reads
    (`has_body`, `read_body`, `merge_body`) and which code an unknown operation gets."""

    code = "SerializationException"

    def __init__(self) -> None:
        self.bindings = RestBindings(self.code)

    def match_score(self, service: Any, request: HttpRequest) -> int | None:
        return self.bindings.match_score(service, request)

    def parse(self, service: Any, request: HttpRequest) -> ParsedRequest:
        if is_aws_chunked(request):
            request = decode_aws_chunked(request)
        found = self.bindings.match(service, request)
        if found is None:
            raise unknown_operation(request, self.unknown_code(service))
        template, labels = found
        shape = service.operation_model(template.operation).input_shape
        if shape is None:
            return ParsedRequest(template.operation, {})
        data = self.bindings.read(shape, request, labels, {k for k, _ in template.query})
        payload = shape.serialization.get("payload")
        if payload is not None:
            member = shape.members[payload]
            if member.type_name in ("blob", "string"):
                if request.body:
                    data[payload] = raw_payload_input(member, request.body, self.code)
            elif self.has_body(request.body):
                data[payload] = self.read_body(member, request.body, payload)
        elif self.has_body(request.body):
            self.merge_body(data, self.read_body(shape, request.body, ""))
        return ParsedRequest(template.operation, data)

    def unknown_code(self, service: Any) -> str:
        return "UnknownOperationException"

    def has_body(self, body: bytes) -> bool:
        return bool(body)

    def read_body(self, shape: Any, body: bytes, path: str) -> Any:
        raise NotImplementedError

    def merge_body(self, data: dict[str, Any], body: dict[str, Any]) -> None:
        data.update(body)
