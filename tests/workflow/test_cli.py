from __future__ import annotations

from click.testing import CliRunner

from loginkit.cli.workflow import workflow
from loginkit.specs import specs_dir

SEED = str(specs_dir() / "arazzo" / "tiktok-for-developers-oauth-login-and-profile-workflow.yml")


def test_list_shows_workflows_inputs_steps_and_outputs() -> None:
    result = CliRunner().invoke(workflow, ["list", SEED])
    assert result.exit_code == 0, result.output
    assert "oauth-login-and-profile: Exchange an authorization code" in result.output
    assert "    clientKey (string, required)  Your app's client key." in result.output
    assert "    userFields (string, default: open_id,union_id," in result.output
    assert "    exchangeCode -> exchangeToken" in result.output
    assert "    getProfile -> getUserInfo" in result.output
    assert "  outputs: accessToken, refreshToken, openId, displayName" in result.output


def test_bundled_workflows_can_be_named_without_their_path() -> None:
    name = "tiktok-for-developers-oauth-login-and-profile-workflow"
    result = CliRunner().invoke(workflow, ["list", name])
    assert result.exit_code == 0, result.output
    assert "oauth-login-and-profile" in result.output


def test_bad_inputs_exit_non_zero_without_a_traceback() -> None:
    result = CliRunner().invoke(workflow, ["run", SEED, "--input", "clientKey=k"])
    assert result.exit_code == 1
    assert "'clientSecret' is a required property" in result.output
    assert "Traceback" not in result.output


def test_login_as_needs_the_emulator_and_its_admin_token() -> None:
    args = ["run", SEED, "--login-as", "ada", "--input", "clientKey=k", "--input", "clientSecret=s"]
    result = CliRunner().invoke(workflow, args)
    assert result.exit_code == 1
    assert "--login-as needs --server" in result.output
    result = CliRunner(env={"LOGINKIT_ADMIN_TOKEN": ""}).invoke(
        workflow, [*args, "--server", "http://127.0.0.1:9"]
    )
    assert "--login-as needs --admin-token or LOGINKIT_ADMIN_TOKEN" in result.output


def test_unreachable_server_is_reported_as_the_failing_step() -> None:
    args = ["run", SEED, "--server", "http://127.0.0.1:9", "--timeout", "2"]
    for pair in ("clientKey=k", "clientSecret=s", "code=c", "redirectUri=https://a/cb/"):
        args += ["--input", pair]
    result = CliRunner().invoke(workflow, args)
    assert result.exit_code == 1
    assert "step 'exchangeCode' failed: POST http://127.0.0.1:9/v2/oauth/token/" in result.output
