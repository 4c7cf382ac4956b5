"""Parse-time support for the Snakefile (stdlib only): file layout, job resources, typed settings, code inputs."""
