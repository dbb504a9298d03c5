"""``python -m loginkit.gateway``: the gateway command on its own."""

from loginkit.gateway.cli import gateway

gateway(prog_name="loginkit gateway")
