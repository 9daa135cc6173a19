package dev.airlock.cli.config;

import dev.airlock.core.Redaction;
import dev.airlock.orchestrator.config.ConfigException;
import dev.airlock.orchestrator.config.ConfigLoader;
import dev.airlock.orchestrator.config.Credential;
import dev.airlock.orchestrator.config.OperatorConfig;
import dev.airlock.proxy.policy.PolicyException;
import dev.airlock.proxy.policy.PolicyLoader;
import dev.airlock.proxy.policy.SecretSource;
import dev.airlock.sandbox.SandboxPolicy;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Validate the operator configuration (and the guard and sandbox policy files it names) and print "
                + "a summary. Credentials are shown only redacted (first 4 characters and the length).",
                "Exit status: 0 valid, 2 invalid (the message names the file, the key and what is wrong)."})
public final class ConfigCheckCommand implements Callable<Integer> {
    /** Stands in for credentials that are not set while the guard policy's structure is checked. */
    private static final String STAND_IN = "airlock-config-check-stand-in-value";

    @Option(names = "--config", description = "The file (default: $XDG_CONFIG_HOME/airlock/config.toml or "
            + "~/.config/airlock/config.toml).")
    Path file;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path f = file != null ? file : ConfigLoader.defaultPath();
        if (!Files.exists(f)) {
            err.println("airlock config check: " + f + ": file: does not exist");
            return 2;
        }
        OperatorConfig c;
        try {
            c = ConfigLoader.load(f, new dev.airlock.cli.run.DataDirOption().resolve());
            if (c.guardPolicy() != null) {
                new PolicyLoader(new SecretSource(name -> System.getenv(name) != null ? System.getenv(name) : STAND_IN))
                        .load(c.guardPolicy());
            }
            if (c.sandboxPolicy() != null) {
                SandboxPolicy.load(c.sandboxPolicy());
            }
        } catch (ConfigException e) {
            err.println("airlock config check: " + e.getMessage());
            return 2;
        } catch (PolicyException | IOException | IllegalArgumentException e) {
            err.println("airlock config check: " + f + ": policy: " + e.getMessage());
            return 2;
        }
        out.println("config          " + c.source());
        out.println("data dir        " + c.dataDir());
        var db = c.databaseOrEmbedded();
        out.println("database        " + db.displayUrl() + " (user " + db.user()
                + (db.passwordFile() == null ? "" : ", password from " + db.passwordFile()
                + (Files.isReadable(db.passwordFile()) ? "" : " — NOT READABLE")) + ")");
        out.println("credentials");
        for (Credential k : Credential.values()) {
            String state;
            try {
                Optional<String> v = c.credential(k, System::getenv);
                state = v.map(s -> "set (" + Redaction.redact(s) + ")").orElse("not set");
            } catch (IOException e) {
                state = "unreadable (" + e.getClass().getSimpleName() + ")";
            }
            out.printf("  %-18s %-36s → %s only: %s%n", k.key(), c.credentials().get(k), k.holder(), state);
        }
        out.println("agent           " + (c.defaultAgent() == null ? "(none; give --agent)" : c.defaultAgent()));
        out.println("guard policy    " + (c.guardPolicy() == null ? "built in (LLM APIs only)" : c.guardPolicy() + " (valid)"));
        out.println("sandbox policy  " + (c.sandboxPolicy() == null ? "defaults" : c.sandboxPolicy() + " (valid)"));
        out.println("budgets         wall time " + c.budgets().wallTime() + ", tokens "
                + (c.budgets().tokensLimited() ? c.budgets().tokens() : "unlimited"));
        out.println("timeouts        role " + c.roleTimeout());
        out.flush();
        return 0;
    }
}
