package dev.airlock.cli.sandbox;

import dev.airlock.it.InProcessGuard;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What the sandbox commands reach outside the sandbox: the network the in-process guard resolves and dials, and the
 * operator's terminal where capability grants are asked. {@link #REAL} in production; tests substitute loopback-only
 * fakes and a file standing in for the terminal.
 */
public record HostSide(InProcessGuard.Network network, Path operatorTty) {
    public static final HostSide REAL = new HostSide(InProcessGuard.Network.SYSTEM, Path.of("/dev/tty"));

    public HostSide {
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(operatorTty, "operatorTty");
    }
}
