"""The gateway: a Naftiko capability served as a REST adapter and an MCP server."""

from loginkit.gateway.capability import Capability, load_capability, parse_capability
from loginkit.gateway.document import CapabilityError
from loginkit.gateway.service import Gateway, build_gateway, serve_gateway
from loginkit.gateway.upstream import Timeouts

__all__ = [
    "Capability",
    "CapabilityError",
    "Gateway",
    "Timeouts",
    "build_gateway",
    "load_capability",
    "parse_capability",
    "serve_gateway",
]
