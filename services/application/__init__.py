"""The use cases: what RT Flow does, one module each, over the domain and its ports.

Entry points (Lambda handlers, the Flask app, the CLI, the local stack) call these with the
dependency bundles the composition root (services/adapters/bootstrap.py) builds; nothing here
touches AWS, a database or the network except through a port.
"""
