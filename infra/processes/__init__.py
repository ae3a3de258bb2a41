"""RT Flow's AWS backend as plain processes against any AWS-compatible endpoint (AWS itself,
moto's server, LocalStack ...): `rtflow resources create` makes the resources of
infra/resources with the services' own APIs, `rtflow serve web|workers|scheduler` runs the
web app, the stream relay and queue consumers, and the schedules, each its own process."""
