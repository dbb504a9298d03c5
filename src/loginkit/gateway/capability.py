"""Load the part of a Naftiko capability (``naftiko: 1.0.0-alpha2``) that the gateway serves.

Interpreted: ``binds`` (env keys); ``consumes`` of type ``http`` (resources, POST operations
with body input parameters, JSON output with JSONPath ``value``); ``exposes`` of type ``rest``
(resources, operations with ``call``, ``with`` and an output ``mapping``) and of type ``mcp``
(transport ``http``, tools with ``hints``, ``call``, ``with`` and an output ``mapping``). Every
other field is refused with its path and line, so a capability never half-works.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from jsonpath_ng import JSONPath
from jsonpath_ng.ext.parser import parse as parse_jsonpath

from loginkit.gateway.document import CapabilityError, Node, parse_document

SUPPORTED_VERSION = "1.0.0-alpha2"
DEFAULT_CAPABILITY = "tiktok-login-kit-oauth.yaml"
JSON_TYPES = frozenset({"object", "array", "string", "number", "integer", "boolean"})

__all__ = [
    "Capability",
    "CapabilityError",
    "ConsumedApi",
    "ConsumedOperation",
    "McpAdapter",
    "McpTool",
    "OutputMapping",
    "RestAdapter",
    "RestOperation",
    "ToolHints",
    "default_capability_text",
    "load_capability",
    "parse_capability",
]


@dataclass(frozen=True)
class OutputMapping:
    """A JSONPath picked out of a JSON document; Naftiko writes the root as ``$.``."""

    expression: str
    jsonpath: JSONPath

    def extract(self, document: Any) -> Any:
        values = [match.value for match in self.jsonpath.find(document)]
        if not values:
            return None
        return values[0] if len(values) == 1 else values


@dataclass(frozen=True)
class ConsumedOperation:
    namespace: str
    name: str
    method: str
    path: str
    description: str
    body_parameters: tuple[str, ...]
    outputs: Mapping[str, OutputMapping]

    @property
    def reference(self) -> str:
        return f"{self.namespace}.{self.name}"

    def extract_output(self, document: Any) -> Any:
        """One output parameter gives its value; several give an object keyed by name."""
        values = {name: output.extract(document) for name, output in self.outputs.items()}
        return next(iter(values.values())) if len(values) == 1 else values


@dataclass(frozen=True)
class ConsumedApi:
    namespace: str
    base_uri: str
    description: str
    operations: tuple[ConsumedOperation, ...]


@dataclass(frozen=True)
class RestOperation:
    path: str
    method: str
    name: str
    description: str
    operation: ConsumedOperation
    output: OutputMapping


@dataclass(frozen=True)
class RestAdapter:
    namespace: str
    port: int
    description: str
    operations: tuple[RestOperation, ...]


@dataclass(frozen=True)
class ToolHints:
    read_only: bool | None = None
    destructive: bool | None = None
    idempotent: bool | None = None
    open_world: bool | None = None


@dataclass(frozen=True)
class McpTool:
    name: str
    description: str
    hints: ToolHints
    operation: ConsumedOperation
    output: OutputMapping


@dataclass(frozen=True)
class McpAdapter:
    namespace: str
    port: int
    description: str
    tools: tuple[McpTool, ...]


@dataclass(frozen=True)
class Capability:
    source: str
    label: str
    description: str
    binds: Mapping[str, str]
    """Bind key → name of the environment variable holding its value."""
    consumes: tuple[ConsumedApi, ...]
    rest: RestAdapter | None
    mcp: McpAdapter | None


def default_capability_text() -> str:
    """The capability shipped with loginkit (api-evangelist/tiktok-for-developers'
    ``capabilities/tiktok-login-kit-oauth.yaml``, reformatted)."""
    spec = resources.files("loginkit").joinpath("specs", "naftiko", DEFAULT_CAPABILITY)
    return spec.read_text(encoding="utf-8")


def load_capability(path: Path | None = None) -> Capability:
    """Load ``path``, or the shipped TikTok Login Kit capability when ``path`` is None."""
    if path is None:
        return parse_capability(default_capability_text(), source=DEFAULT_CAPABILITY)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CapabilityError(f"cannot read the file: {exc}", source=str(path)) from exc
    return parse_capability(text, source=str(path))


def parse_capability(text: str, *, source: str) -> Capability:
    root = parse_document(text, source=source).mapping(
        required=("naftiko", "info", "capability"), optional=("binds",)
    )
    if (version := root["naftiko"].text()) != SUPPORTED_VERSION:
        raise root["naftiko"].error(
            f"unsupported Naftiko version {version!r} (supported: {SUPPORTED_VERSION!r})"
        )
    info = root["info"].mapping(
        required=("label",), optional=("description", "tags", "created", "modified")
    )
    for field in ("created", "modified"):
        if field in info:
            info[field].text()
    if "tags" in info:
        info["tags"].string_list()
    body = root["capability"].mapping(required=("consumes", "exposes"))
    consumes = tuple(_consumed_api(node) for node in body["consumes"].sequence())
    operations = _index_operations(consumes, body["consumes"])
    rest: RestAdapter | None = None
    mcp: McpAdapter | None = None
    for node in body["exposes"].sequence():
        kind = node.peek("type")
        if kind is None:
            raise node.error("missing required field 'type'")
        match kind.choice(("rest", "mcp")):
            case "rest":
                if rest is not None:
                    raise node.error("only one exposes entry of type 'rest' is supported")
                rest = _rest_adapter(node, operations)
            case _:
                if mcp is not None:
                    raise node.error("only one exposes entry of type 'mcp' is supported")
                mcp = _mcp_adapter(node, operations)
    return Capability(
        source=source,
        label=info["label"].string(),
        description=info["description"].string() if "description" in info else "",
        binds=_binds(root["binds"]) if "binds" in root else {},
        consumes=consumes,
        rest=rest,
        mcp=mcp,
    )


def _binds(node: Node) -> dict[str, str]:
    binds: dict[str, str] = {}
    for entry in node.sequence():
        fields = entry.mapping(required=("namespace", "keys"))
        fields["namespace"].choice(("env",))
        binds.update(fields["keys"].string_map())
    return binds


def _consumed_api(node: Node) -> ConsumedApi:
    fields = node.mapping(
        required=("type", "namespace", "baseUri", "resources"), optional=("description",)
    )
    fields["type"].choice(("http",))
    namespace = fields["namespace"].string()
    base_uri = fields["baseUri"].string()
    if not base_uri.startswith(("http://", "https://")):
        raise fields["baseUri"].error(f"expected an http:// or https:// URL, found {base_uri!r}")
    operations: list[ConsumedOperation] = []
    for resource in fields["resources"].sequence():
        resource_fields = resource.mapping(
            required=("path", "operations"), optional=("name", "description")
        )
        path = _path(resource_fields["path"])
        for operation in resource_fields["operations"].sequence():
            operations.append(_consumed_operation(operation, namespace=namespace, path=path))
    return ConsumedApi(
        namespace=namespace,
        base_uri=base_uri.rstrip("/"),
        description=fields["description"].string() if "description" in fields else "",
        operations=tuple(operations),
    )


def _consumed_operation(node: Node, *, namespace: str, path: str) -> ConsumedOperation:
    fields = node.mapping(
        required=("name", "method", "outputParameters"),
        optional=("description", "outputRawFormat", "inputParameters"),
    )
    # The gateway forwards form bodies, which only POST carries.
    fields["method"].choice(("POST",))
    if "outputRawFormat" in fields:
        fields["outputRawFormat"].choice(("json",))
    body_parameters: list[str] = []
    if "inputParameters" in fields:
        for parameter in fields["inputParameters"].sequence():
            parameter_fields = parameter.mapping(
                required=("name", "in"), optional=("type", "description", "required")
            )
            parameter_fields["in"].choice(("body",))
            if "type" in parameter_fields:
                parameter_fields["type"].choice(("object",))
            if "required" in parameter_fields:
                parameter_fields["required"].boolean()
            body_parameters.append(parameter_fields["name"].string())
    if len(body_parameters) > 1:
        raise fields["inputParameters"].error("at most one body parameter is supported")
    outputs: dict[str, OutputMapping] = {}
    for output in fields["outputParameters"].sequence():
        output_fields = output.mapping(required=("name", "value"), optional=("type",))
        if "type" in output_fields:
            output_fields["type"].choice(JSON_TYPES)
        outputs[output_fields["name"].string()] = _jsonpath(output_fields["value"])
    return ConsumedOperation(
        namespace=namespace,
        name=fields["name"].string(),
        method="POST",
        path=path,
        description=fields["description"].string() if "description" in fields else "",
        body_parameters=tuple(body_parameters),
        outputs=outputs,
    )


def _index_operations(
    consumes: tuple[ConsumedApi, ...], node: Node
) -> dict[str, ConsumedOperation]:
    index: dict[str, ConsumedOperation] = {}
    for api in consumes:
        for operation in api.operations:
            if operation.reference in index:
                raise node.error(f"operation {operation.reference!r} is declared twice")
            index[operation.reference] = operation
    return index


def _rest_adapter(node: Node, operations: Mapping[str, ConsumedOperation]) -> RestAdapter:
    fields = node.mapping(
        required=("type", "namespace", "port", "resources"), optional=("description",)
    )
    exposed: list[RestOperation] = []
    for resource in fields["resources"].sequence():
        resource_fields = resource.mapping(
            required=("path", "operations"), optional=("name", "description")
        )
        path = _path(resource_fields["path"])
        for operation in resource_fields["operations"].sequence():
            operation_fields = operation.mapping(
                required=("method", "call", "outputParameters"),
                optional=("name", "description", "with"),
            )
            method = operation_fields["method"].choice(("POST",))
            consumed = _call(operation_fields, operations, prefix="rest")
            exposed.append(
                RestOperation(
                    path=path,
                    method=method,
                    name=operation_fields["name"].string() if "name" in operation_fields else "",
                    description=_description(operation_fields, consumed),
                    operation=consumed,
                    output=_output_mapping(operation_fields["outputParameters"]),
                )
            )
    return RestAdapter(
        namespace=fields["namespace"].string(),
        port=_port(fields["port"]),
        description=fields["description"].string() if "description" in fields else "",
        operations=tuple(exposed),
    )


def _mcp_adapter(node: Node, operations: Mapping[str, ConsumedOperation]) -> McpAdapter:
    fields = node.mapping(
        required=("type", "namespace", "port", "transport", "tools"), optional=("description",)
    )
    fields["transport"].choice(("http",))
    tools: list[McpTool] = []
    for tool in fields["tools"].sequence():
        tool_fields = tool.mapping(
            required=("name", "call", "outputParameters"),
            optional=("description", "hints", "with"),
        )
        consumed = _call(tool_fields, operations, prefix="tools")
        tools.append(
            McpTool(
                name=tool_fields["name"].string(),
                description=_description(tool_fields, consumed),
                hints=_hints(tool_fields["hints"]) if "hints" in tool_fields else ToolHints(),
                operation=consumed,
                output=_output_mapping(tool_fields["outputParameters"]),
            )
        )
    names = [tool.name for tool in tools]
    if len(set(names)) != len(names):
        raise fields["tools"].error("tool names must be unique")
    return McpAdapter(
        namespace=fields["namespace"].string(),
        port=_port(fields["port"]),
        description=fields["description"].string() if "description" in fields else "",
        tools=tuple(tools),
    )


def _call(
    fields: Mapping[str, Node], operations: Mapping[str, ConsumedOperation], *, prefix: str
) -> ConsumedOperation:
    """Resolve ``call`` and check that ``with`` feeds each body parameter from ``<prefix>.body``."""
    reference = fields["call"].string()
    if reference not in operations:
        known = ", ".join(sorted(operations))
        raise fields["call"].error(f"no consumed operation {reference!r} (declared: {known})")
    consumed = operations[reference]
    given = fields["with"].string_map() if "with" in fields else {}
    for name, value in given.items():
        where = fields["with"].mapping(optional=given)[name]
        if name not in consumed.body_parameters:
            raise where.error(f"{reference} has no input parameter {name!r}")
        if value != f"{prefix}.body":
            raise where.error(f"unsupported value {value!r} (supported: '{prefix}.body')")
    for name in consumed.body_parameters:
        if name not in given:
            raise fields["call"].error(f"'with' must give {reference}'s parameter {name!r}")
    return consumed


def _output_mapping(node: Node) -> OutputMapping:
    entries = node.sequence()
    if len(entries) != 1:
        raise node.error("exactly one output parameter with a 'mapping' is supported")
    fields = entries[0].mapping(required=("mapping",), optional=("type",))
    if "type" in fields:
        fields["type"].choice(JSON_TYPES)
    return _jsonpath(fields["mapping"])


def _hints(node: Node) -> ToolHints:
    fields = node.mapping(optional=("readOnly", "destructive", "idempotent", "openWorld"))

    def flag(name: str) -> bool | None:
        return fields[name].boolean() if name in fields else None

    return ToolHints(
        read_only=flag("readOnly"),
        destructive=flag("destructive"),
        idempotent=flag("idempotent"),
        open_world=flag("openWorld"),
    )


def _jsonpath(node: Node) -> OutputMapping:
    expression = node.string()
    try:
        jsonpath = parse_jsonpath("$" if expression == "$." else expression)
    except Exception as exc:  # jsonpath-ng raises bare Exception subclasses of several kinds
        raise node.error(f"invalid JSONPath {expression!r}: {exc}") from exc
    return OutputMapping(expression=expression, jsonpath=jsonpath)


def _path(node: Node) -> str:
    path = node.string()
    if not path.startswith("/") or "{" in path:
        raise node.error(f"expected a literal path starting with '/', found {path!r}")
    return path


def _port(node: Node) -> int:
    port = node.integer()
    if not 1 <= port <= 65535:
        raise node.error(f"port {port} is outside 1-65535")
    return port


def _description(fields: Mapping[str, Node], consumed: ConsumedOperation) -> str:
    return fields["description"].string() if "description" in fields else consumed.description
