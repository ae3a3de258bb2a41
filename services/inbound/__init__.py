"""Inbound: applies what other tools (webhooks) and mail sent, once per delivery."""
