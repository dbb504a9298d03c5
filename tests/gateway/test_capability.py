"""Loading the capability: the shipped file, and clear errors (path + line) for anything else."""

from __future__ import annotations

from pathlib import Path

import pytest

from loginkit.gateway.capability import (
    default_capability_text,
    load_capability,
    parse_capability,
)
from loginkit.gateway.document import CapabilityError

SHIPPED = default_capability_text()


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based line of the ``occurrence``-th line containing ``needle``."""
    hits = [number for number, line in enumerate(text.splitlines(), 1) if needle in line]
    return hits[occurrence - 1]


def refusal(text: str) -> CapabilityError:
    with pytest.raises(CapabilityError) as caught:
        parse_capability(text, source="cap.yaml")
    return caught.value


def test_shipped_capability_has_the_seed_surface() -> None:
    capability = load_capability()
    assert capability.label == "TikTok Login Kit API — OAuth"
    [api] = capability.consumes
    assert api.base_uri == "https://open.tiktokapis.com"
    assert {(op.name, op.method, op.path) for op in api.operations} == {
        ("revoketoken", "POST", "/v2/oauth/revoke/"),
        ("exchangetoken", "POST", "/v2/oauth/token/"),
        ("refreshtoken", "POST", "/v2/oauth/token/refresh/"),
    }
    assert capability.rest is not None and capability.rest.port == 8080
    assert {(op.path, op.operation.name) for op in capability.rest.operations} == {
        ("/v1/v2/oauth/revoke", "revoketoken"),
        ("/v1/v2/oauth/token", "exchangetoken"),
        ("/v1/v2/oauth/token/refresh", "refreshtoken"),
    }
    assert capability.mcp is not None and capability.mcp.port == 9090
    tools = {tool.name: tool for tool in capability.mcp.tools}
    assert set(tools) == {
        "exchange-authorization-code-token",
        "refresh-access-token",
        "revoke-access-token",
    }
    assert tools["refresh-access-token"].operation.name == "refreshtoken"
    hints = tools["revoke-access-token"].hints
    assert (hints.read_only, hints.destructive, hints.idempotent) == (False, False, False)
    assert capability.binds["TIKTOK_CLIENT_SECRET"] == "TIKTOK_CLIENT_SECRET"


def test_root_mapping_passes_the_whole_document_through() -> None:
    capability = load_capability()
    assert capability.rest is not None
    operation = capability.rest.operations[0]
    document = {"access_token": "act.1", "nested": {"a": [1, 2]}}
    assert operation.operation.extract_output(document) == document
    assert operation.output.extract(document) == document


def test_loads_a_file_from_disk(tmp_path: Path) -> None:
    path = tmp_path / "cap.yaml"
    path.write_text(SHIPPED.replace("port: 8080", "port: 18080"), encoding="utf-8")
    capability = load_capability(path)
    assert capability.rest is not None and capability.rest.port == 18080
    assert capability.source == str(path)


def test_missing_file_is_a_capability_error(tmp_path: Path) -> None:
    with pytest.raises(CapabilityError, match="cannot read the file"):
        load_capability(tmp_path / "absent.yaml")


def test_yaml_syntax_error_names_the_line() -> None:
    text = SHIPPED.replace("      port: 8080", "      port: [8080", 1)
    error = refusal(text)
    assert "not valid YAML" in str(error)
    assert error.line is not None
    assert abs(error.line - line_of(text, "port: [8080")) <= 3


def test_unsupported_field_names_path_and_line() -> None:
    text = SHIPPED.replace(
        "              call: tiktok-login-kit-oauth.exchangetoken\n",
        "              call: tiktok-login-kit-oauth.exchangetoken\n              steps: []\n",
        1,
    )
    error = refusal(text)
    assert error.path == "capability.exposes[0].resources[1].operations[0].steps"
    assert error.line == line_of(text, "steps: []")
    assert "unsupported field 'steps'" in str(error)
    assert str(error).startswith(f"cap.yaml:{error.line}: capability.exposes[0]")


def test_unknown_call_target_is_refused_with_the_known_ones() -> None:
    text = SHIPPED.replace(
        "call: tiktok-login-kit-oauth.refreshtoken", "call: tiktok-login-kit-oauth.nope", 1
    )
    error = refusal(text)
    assert error.path == "capability.exposes[0].resources[2].operations[0].call"
    assert error.line == line_of(text, "tiktok-login-kit-oauth.nope")
    assert "declared: tiktok-login-kit-oauth.exchangetoken," in error.message


def test_invalid_jsonpath_is_refused_at_its_line() -> None:
    text = SHIPPED.replace('mapping: "$."', 'mapping: "$[?("', 1)
    error = refusal(text)
    assert (
        error.path == "capability.exposes[0].resources[0].operations[0].outputParameters[0].mapping"
    )
    assert error.line == line_of(text, 'mapping: "$[?("')
    assert "invalid JSONPath" in error.message


@pytest.mark.parametrize(
    ("old", "new", "path", "message"),
    [
        ('naftiko: "1.0.0-alpha2"', 'naftiko: "0.4"', "naftiko", "unsupported Naftiko version"),
        ("    - type: rest", "    - type: grpc", "capability.exposes[0].type", "'grpc'"),
        (
            "      transport: http",
            "      transport: stdio",
            "capability.exposes[1].transport",
            "'stdio'",
        ),
        ("    - type: http", "    - type: graphql", "capability.consumes[0].type", "'graphql'"),
        ("      port: 9090", "      port: 99999", "capability.exposes[1].port", "outside 1-65535"),
        (
            "      port: 9090",
            "      port: nine",
            "capability.exposes[1].port",
            "expected an integer",
        ),
        (
            "                body: rest.body",
            "                body: rest.query",
            "capability.exposes[0].resources[0].operations[0].with.body",
            "'rest.body'",
        ),
        (
            "              method: POST\n              description: Revoke",
            "              method: GET\n              description: Revoke",
            "capability.consumes[0].resources[0].operations[0].method",
            "'GET'",
        ),
        (
            "            readOnly: false",
            "            readOnly: maybe",
            "capability.exposes[1].tools[0].hints.readOnly",
            "true or false",
        ),
        (
            "                  in: body",
            "                  in: query",
            "capability.consumes[0].resources[0].operations[0].inputParameters[0].in",
            "'query'",
        ),
        ("  - namespace: env", "  - namespace: vault", "binds[0].namespace", "'vault'"),
    ],
)
def test_unsupported_values_are_refused(old: str, new: str, path: str, message: str) -> None:
    assert old in SHIPPED
    text = SHIPPED.replace(old, new, 1)
    error = refusal(text)
    assert error.path == path
    assert message in error.message
    assert error.line == line_of(text, new.splitlines()[0].strip())


def test_missing_required_field_points_at_the_parent() -> None:
    text = SHIPPED.replace('      baseUri: "https://open.tiktokapis.com"\n', "", 1)
    error = refusal(text)
    assert error.path == "capability.consumes[0]"
    assert "missing required field 'baseUri'" in error.message


def test_with_must_feed_the_body_parameter() -> None:
    text = SHIPPED.replace("          with:\n            body: tools.body\n", "", 1)
    error = refusal(text)
    assert error.path == "capability.exposes[1].tools[0].call"
    assert "'with' must give" in error.message


def test_empty_file_is_refused() -> None:
    assert "empty" in refusal("").message


def test_dates_and_tags_may_be_unquoted() -> None:
    text = SHIPPED.replace('created: "2026-05-19"', "created: 2026-05-19")
    assert parse_capability(text, source="cap.yaml").label.startswith("TikTok")


def test_shipped_file_is_the_seed_plus_credential_binds() -> None:
    seed = load_capability(Path(__file__).parent / "data" / "seed-001-tiktok-login-kit-oauth.yaml")
    shipped = load_capability()
    assert seed.binds == {"TIKTOK_FOR_DEVELOPERS_API_KEY": "TIKTOK_FOR_DEVELOPERS_API_KEY"}
    assert set(shipped.binds) - set(seed.binds) == {"TIKTOK_CLIENT_KEY", "TIKTOK_CLIENT_SECRET"}
    for field in ("label", "description", "consumes", "rest", "mcp"):
        assert repr(getattr(shipped, field)) == repr(getattr(seed, field)), field
