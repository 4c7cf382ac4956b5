"""Parse-time support for the Snakefile (stdlib only): job resources, the run's typed settings and models,
code inputs, config error messages; plus the generator of config/README.md's configuration table (a developer tool
that reads YAML). Only the Snakefile, the rules and the workflow scripts import this package."""
