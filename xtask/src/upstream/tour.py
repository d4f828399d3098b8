"""Every operation of a Drata document, called with `drata op` (`drata v2`
for Drata's v2 document) against a fake Drata built from that document
alone (not from our spec), at the path its `servers` give (`/public`,
`/public/v2`).

Usage: python3 tour.py DOCUMENT DRATA_BINARY

The server matches Drata's paths and methods, refuses what the document
refuses (a missing required query parameter or header, a path parameter of
the wrong type, a JSON body that fails the operation's schema, a form
missing a required part or carrying an unknown one), records every request
and answers with the operation's first documented success status and a
value made from its answer schema.

Each operation is called twice, by Drata's operation id and the document's
parameter names: with its path parameters, its required query parameters
and headers, and a JSON body made from its schema (every property, then
the required ones only), or a file for a form. A call passes when `drata`
exits 0, prints JSON, and the server saw exactly one request, of that
operation, with nothing it refuses. Exits 1 when a call does not pass.
"""
import email.parser
import email.policy
import json
import re
import subprocess
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import jsonschema

DOCUMENT = json.load(open(sys.argv[1]))
DRATA = sys.argv[2]
COMPONENTS = DOCUMENT.get("components", {})
# Where the document's paths start (`/public`, `/public/v2`), and the
# command that reaches its operations.
ROOT = urlparse((DOCUMENT.get("servers") or [{"url": "/public"}])[0]["url"]).path.rstrip("/") or "/public"
COMMAND = "v2" if str(DOCUMENT.get("info", {}).get("version", "")).lower() == "v2" else "op"
METHODS = ("get", "post", "put", "patch", "delete")


def resolve(schema):
    while isinstance(schema, dict) and "$ref" in schema:
        schema = COMPONENTS["schemas"][schema["$ref"].split("/")[-1]]
    return schema


def validator(schema):
    root = dict(schema)
    root["components"] = COMPONENTS
    return jsonschema.Draft4Validator(root)


def value_of(schema, required_only=False, depth=0):
    """A value the schema accepts (Drata's documents carry no usable
    examples in the snapshot, so every value is made from the types)."""
    schema = resolve(schema)
    if depth > 8 or not isinstance(schema, dict):
        return None
    if schema.get("enum"):
        return schema["enum"][0]
    for key in ("allOf", "oneOf", "anyOf"):
        if schema.get(key):
            if key == "allOf":
                merged = {}
                for part in schema[key]:
                    made = value_of(part, required_only, depth + 1)
                    if isinstance(made, dict):
                        merged.update(made)
                    else:
                        return made
                return merged
            return value_of(schema[key][0], required_only, depth + 1)
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        required = schema.get("required", [])
        return {
            name: value_of(child, required_only, depth + 1)
            for name, child in schema.get("properties", {}).items()
            if not required_only or name in required
        }
    if kind == "array":
        return [value_of(schema.get("items", {}), required_only, depth + 1)] * max(1, schema.get("minItems", 1))
    if kind in ("integer", "number"):
        return max(1, schema.get("minimum", 1))
    if kind == "boolean":
        return True
    if kind == "string":
        made = {
            "date-time": "2025-01-02T03:04:05.000Z",
            "date": "2025-01-02",
            "email": "someone@example.com",
            "uri": "https://example.com",
            "url": "https://example.com",
            "uuid": "00000000-0000-4000-8000-000000000000",
        }.get(schema.get("format"), "text")
        made = made.ljust(schema.get("minLength", 0), "x")
        return made[: schema["maxLength"]] if "maxLength" in schema else made
    return None


class Operation:
    def __init__(self, path, method, spec):
        self.path, self.method, self.spec = path, method.upper(), spec
        self.id = spec["operationId"]
        self.names = re.findall(r"\{([^}]+)\}", path)
        self.pattern = re.compile("^" + re.sub(r"\{[^}]+\}", "([^/]+)", path) + "$")
        self.parameters = spec.get("parameters", [])
        self.body = spec.get("requestBody")


OPERATIONS = [
    Operation(path, method, spec)
    for path, item in DOCUMENT["paths"].items()
    for method, spec in item.items()
    if method in METHODS
]
SEEN = []
SEEN_LOCK = threading.Lock()


def problems_of(operation, match, query, headers, content_type, raw):
    problems = []
    for parameter in operation.parameters:
        name, place = parameter["name"], parameter["in"]
        schema = resolve(parameter.get("schema", {}))
        if place == "query" and parameter.get("required") and name not in query and name + "[]" not in query:
            problems.append(f"the required query parameter {name} is missing")
        if place == "header" and parameter.get("required") and headers.get(name) is None:
            problems.append(f"the required header {name} is missing")
        if place == "path" and schema.get("type") in ("integer", "number"):
            value = match.group(operation.names.index(name) + 1)
            try:
                float(value)
            except ValueError:
                problems.append(f"the path parameter {name} is `{value}`, not a number")
    content = (operation.body or {}).get("content", {})
    if content_type.startswith("application/json"):
        if "application/json" not in content:
            problems.append("a JSON body, which the operation does not take")
        else:
            try:
                body = json.loads(raw)
            except ValueError as error:
                return problems + [f"the body is not JSON: {error}"]
            for error in list(validator(content["application/json"]["schema"]).iter_errors(body))[:3]:
                problems.append(f"the body: {error.message[:200]}")
    elif content_type.startswith("multipart/form-data"):
        schema = resolve((content.get("multipart/form-data") or {}).get("schema", {}))
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + raw
        )
        parts = {part.get_param("name", header="content-disposition") for part in message.iter_parts()}
        known = set(schema.get("properties", {}))
        for name in schema.get("required", []):
            if name not in parts and name + "[]" not in parts:
                problems.append(f"the form has no part {name}")
        for name in parts:
            if name not in known and name.removesuffix("[]") not in known:
                problems.append(f"the form has a part {name} the operation does not know")
    elif raw:
        problems.append(f"a body of type `{content_type}`")
    elif (operation.body or {}).get("required"):
        problems.append("no body, which the operation requires")
    return problems


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, body):
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        if body is not None:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def serve(self):
        path, _, query = self.path.partition("?")
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if not path.startswith(ROOT + "/"):
            with SEEN_LOCK:
                SEEN.append((None, [f"{self.command} {path} is not under {ROOT}"]))
            return self.answer(404, {"message": f"Cannot {self.command} {path}"})
        path = path.removeprefix(ROOT)
        found = None
        for operation in OPERATIONS:
            match = operation.pattern.match(path)
            if match and operation.method == self.command:
                found = (operation, match)
                break
        if found is None:
            with SEEN_LOCK:
                SEEN.append((None, [f"no operation is {self.command} {path}"]))
            return self.answer(404, {"message": f"Cannot {self.command} {ROOT}{path}"})
        operation, match = found
        content_type = self.headers.get("Content-Type", "")
        problems = problems_of(
            operation, match, parse_qs(query, keep_blank_values=True), self.headers, content_type, raw
        )
        with SEEN_LOCK:
            SEEN.append((operation.id, problems))
        if problems:
            return self.answer(400, {"message": problems})
        statuses = sorted(status for status in operation.spec.get("responses", {}) if status.startswith("2"))
        status = statuses[0] if statuses else "200"
        media = ((operation.spec["responses"].get(status) or {}).get("content") or {}).get("application/json")
        self.answer(int(status), value_of(media["schema"]) if media and "schema" in media else None)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = serve


def arguments(operation, base_url, required_only, upload):
    # As a script calls it: writes allowed and confirmed (`--allow-writes
    # --yes`; without them a write is refused, as the write gate's tests show),
    # JSON on stdout, no stored profile.
    args = [DRATA, "--base-url", base_url, "--api-key", "tour-key", "--allow-writes", "--yes", "--output", "json",
            COMMAND, operation.id]
    for parameter in operation.parameters:
        place, name = parameter["in"], parameter["name"]
        if place == "path" or (place in ("query", "header") and parameter.get("required")):
            schema = resolve(parameter.get("schema", {}))
            value = value_of(schema.get("items", {}) if schema.get("type") == "array" else schema)
            value = json.dumps(value) if isinstance(value, bool) else str(value)
            args += ["--" + name.removesuffix("[]"), value]
    content = (operation.body or {}).get("content", {})
    if "application/json" in content:
        body = value_of(content["application/json"]["schema"], required_only)
        errors = list(validator(content["application/json"]["schema"]).iter_errors(body))
        if errors:
            raise SystemExit(f"the tour made a body for {operation.id} that its schema refuses: {errors[0].message}")
        args += ["--body", json.dumps(body)]
    elif "multipart/form-data" in content:
        args += ["--file", upload]
    return args


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base_url = f"http://127.0.0.1:{server.server_address[1]}/public"
    failures = []
    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as upload:
        upload.write("a,b\n1,2\n")
    calls = 0
    for operation in OPERATIONS:
        for required_only in (False, True):
            calls += 1
            with SEEN_LOCK:
                SEEN.clear()
            args = arguments(operation, base_url, required_only, upload.name)
            run = subprocess.run(args, capture_output=True, text=True, timeout=120)
            reasons = []
            if run.returncode != 0:
                reasons.append(f"exit {run.returncode}: {(run.stderr or run.stdout).strip()[:400]}")
            else:
                try:
                    json.loads(run.stdout)
                except ValueError:
                    reasons.append(f"printed what is not JSON: {run.stdout[:200]!r}")
            with SEEN_LOCK:
                seen = list(SEEN)
            if run.returncode == 0 and [operation_id for operation_id, _ in seen] != [operation.id]:
                reasons.append(f"the server saw {[operation_id for operation_id, _ in seen]}")
            for _, problems in seen:
                reasons.extend(problems)
            if reasons:
                shown = " ".join(args[5:])
                failures.append(f"{operation.id} ({'required fields' if required_only else 'every field'}): `drata {shown[:300]}`\n    " + "\n    ".join(reasons))
    server.shutdown()
    for failure in failures:
        print(failure)
    print(f"{calls} calls of {len(OPERATIONS)} operations against a server built from the document: {calls - len(failures)} passed, {len(failures)} failed")
    sys.exit(1 if failures else 0)


main()
