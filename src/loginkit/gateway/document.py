"""A YAML document read node by node, so every complaint names its path and line in the file."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

import yaml


class CapabilityError(Exception):
    """The capability file cannot be served; says where (file, line, path) and why."""

    def __init__(self, message: str, *, source: str, path: str = "", line: int | None = None):
        self.message = message
        self.source = source
        self.path = path
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.source if self.line is None else f"{self.source}:{self.line}"
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


def parse_document(text: str, *, source: str) -> Node:
    """Compose ``text`` into a node tree (syntax errors carry PyYAML's line)."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = None if mark is None else mark.line + 1
        raise CapabilityError(f"not valid YAML: {exc.problem}", source=source, line=line) from exc
    if root is None:
        raise CapabilityError("the file is empty", source=source, line=1)
    return Node(root, path="", source=source)


@dataclass(frozen=True)
class Node:
    """One YAML node and where it sits: ``path`` like ``capability.exposes[1].tools[0]``."""

    yaml_node: yaml.Node
    path: str
    source: str

    @property
    def line(self) -> int:
        return int(self.yaml_node.start_mark.line) + 1

    def error(self, message: str) -> CapabilityError:
        return CapabilityError(message, source=self.source, path=self.path or "$", line=self.line)

    def mapping(
        self, *, required: Collection[str] = (), optional: Collection[str] = ()
    ) -> dict[str, Node]:
        """The mapping's entries; any key not listed is refused as unsupported."""
        if not isinstance(self.yaml_node, yaml.MappingNode):
            raise self.error(f"expected a mapping, found {self._kind()}")
        entries: dict[str, Node] = {}
        for key_node, value_node in self.yaml_node.value:
            key = str(key_node.value)
            child = Node(value_node, path=self._child_path(key), source=self.source)
            if key in entries:
                raise child.error(f"duplicate field {key!r}")
            if key not in required and key not in optional:
                raise CapabilityError(
                    f"unsupported field {key!r} (loginkit gateway does not interpret it)",
                    source=self.source,
                    path=child.path,
                    line=int(key_node.start_mark.line) + 1,
                )
            entries[key] = child
        missing = [key for key in required if key not in entries]
        if missing:
            raise self.error(f"missing required field {missing[0]!r}")
        return entries

    def peek(self, key: str) -> Node | None:
        """The entry ``key`` without checking the others, to choose the rules for the rest."""
        if not isinstance(self.yaml_node, yaml.MappingNode):
            raise self.error(f"expected a mapping, found {self._kind()}")
        for key_node, value_node in self.yaml_node.value:
            if key_node.value == key:
                return Node(value_node, path=self._child_path(key), source=self.source)
        return None

    def sequence(self, *, non_empty: bool = True) -> list[Node]:
        if not isinstance(self.yaml_node, yaml.SequenceNode):
            raise self.error(f"expected a list, found {self._kind()}")
        items = [
            Node(item, path=f"{self.path}[{index}]", source=self.source)
            for index, item in enumerate(self.yaml_node.value)
        ]
        if non_empty and not items:
            raise self.error("expected at least one entry")
        return items

    def string(self) -> str:
        value = self._scalar()
        if not isinstance(value, str) or not value:
            raise self.error(f"expected a non-empty string, found {value!r}")
        return value

    def text(self) -> str:
        """Any single value as text (dates such as ``created: 2026-05-19`` included)."""
        return str(self._scalar())

    def integer(self) -> int:
        value = self._scalar()
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(f"expected an integer, found {value!r}")
        return value

    def boolean(self) -> bool:
        value = self._scalar()
        if not isinstance(value, bool):
            raise self.error(f"expected true or false, found {value!r}")
        return value

    def choice(self, allowed: Collection[str]) -> str:
        value = self.string()
        if value not in allowed:
            supported = ", ".join(repr(option) for option in sorted(allowed))
            raise self.error(f"unsupported value {value!r} (supported: {supported})")
        return value

    def string_list(self) -> list[str]:
        return [item.string() for item in self.sequence(non_empty=False)]

    def string_map(self) -> dict[str, str]:
        if not isinstance(self.yaml_node, yaml.MappingNode):
            raise self.error(f"expected a mapping, found {self._kind()}")
        keys = [str(key.value) for key, _ in self.yaml_node.value]
        return {key: node.string() for key, node in self.mapping(optional=keys).items()}

    def _scalar(self) -> Any:
        if not isinstance(self.yaml_node, yaml.ScalarNode):
            raise self.error(f"expected a single value, found {self._kind()}")
        # A throwaway SafeLoader applies YAML's own scalar rules (ints, booleans, dates).
        return yaml.SafeLoader("").construct_object(self.yaml_node)

    def _child_path(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def _kind(self) -> str:
        if isinstance(self.yaml_node, yaml.MappingNode):
            return "a mapping"
        if isinstance(self.yaml_node, yaml.SequenceNode):
            return "a list"
        return f"the value {self.yaml_node.value!r}"
