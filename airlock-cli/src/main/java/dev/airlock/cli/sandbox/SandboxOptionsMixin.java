package dev.airlock.cli.sandbox;

import picocli.CommandLine.ArgGroup;

/** Picocli mixin carrying {@link SandboxOptions}. */
public final class SandboxOptionsMixin {
    @ArgGroup(exclusive = false, heading = "Sandbox options%n")
    SandboxOptions opts = new SandboxOptions();

    @ArgGroup(exclusive = false, heading = "Egress guard options%n")
    GuardOptions guard = new GuardOptions();
}
