"""`pulumi up` entry point: read and check the stack config, render it to its cloud, export the outputs."""

import pulumi

import components
from stacks import config

stack = config.from_pulumi()
for name, value in components.deploy(stack).items():
    pulumi.export(name, value)
