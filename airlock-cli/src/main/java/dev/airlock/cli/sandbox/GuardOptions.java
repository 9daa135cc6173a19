package dev.airlock.cli.sandbox;

import dev.airlock.it.InProcessGuard;
import dev.airlock.proxy.policy.GuardPolicy;
import dev.airlock.proxy.policy.PolicyException;
import dev.airlock.proxy.policy.PolicyLoader;
import dev.airlock.proxy.policy.SecretSource;
import dev.airlock.sandbox.SandboxException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The egress guard of a CLI sandbox session: started in this process with the operator's guard policy (default:
 * nothing allowed, the built-in denylist), unless {@code --no-network} keeps the sandbox without any route out.
 */
public final class GuardOptions {
    @Option(names = "--guard-policy", paramLabel = "FILE",
            description = "Egress guard policy (JSON, docs/configuration.md \"Egress guard policy\"). Default: no host allowed, built-in denylist.")
    Path policy;

    @Option(names = "--guard-ca-dir", paramLabel = "DIR",
            description = "Directory of the guard's CA (created on first use). Default: $XDG_DATA_HOME/airlock/guard-ca (~/.local/share/airlock/guard-ca).")
    Path caDir;

    @Option(names = "--no-network", description = "No egress guard: the sandbox has only loopback and no route out.")
    boolean noNetwork;

    /** The guard's policy; a bad file is an {@link IOException} naming the problem (exit 2). */
    GuardPolicy loadPolicy() throws IOException {
        PolicyLoader loader = new PolicyLoader(SecretSource.system());
        try {
            return policy == null ? loader.parse("{}".getBytes(StandardCharsets.UTF_8), "built-in").defaults()
                    : loader.load(policy).defaults();
        } catch (PolicyException e) {
            throw new IOException("guard policy: " + e.getMessage(), e);
        }
    }

    Path caDir() {
        if (caDir != null) {
            return caDir;
        }
        return new dev.airlock.cli.run.DataDirOption().resolve().resolve("guard-ca");
    }

    /** Starts the guard, or returns {@code null} with {@code --no-network}; never runs a networked sandbox unguarded. */
    InProcessGuard start(InProcessGuard.Network network, PrintStream err) throws IOException, SandboxException {
        if (noNetwork) {
            return null;
        }
        GuardPolicy p = loadPolicy();
        try {
            return InProcessGuard.start(p, caDir(), network, w -> err.println("airlock: guard warning: " + w));
        } catch (IOException | RuntimeException e) {
            throw new SandboxException("cannot start the egress guard (CA in " + caDir() + "): " + e.getMessage()
                    + "; fix it or pass --no-network to run without any route out", e);
        }
    }
}
