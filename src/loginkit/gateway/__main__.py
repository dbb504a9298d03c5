"""``python -m loginkit.gateway``: the gateway command on its own."""

from loginkit.cli.gateway import gateway

gateway(prog_name="loginkit gateway")
