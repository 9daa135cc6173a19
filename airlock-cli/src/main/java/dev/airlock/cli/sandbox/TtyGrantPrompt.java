package dev.airlock.cli.sandbox;

import dev.airlock.sandbox.Capability;
import dev.airlock.sandbox.GrantDecider;
import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Asks the operator on the controlling terminal ({@code /dev/tty}) whether to grant a capability the policy's
 * auto-grant rules did not cover. Never on standard input or output: those belong to the agent (for
 * {@code airlock mcp} they are the transport), so an agent could otherwise answer its own question. Without a
 * terminal the request is refused, and the session logs the refusal.
 */
final class TtyGrantPrompt implements GrantDecider {
    private final Path tty;
    private final Duration ttl;

    TtyGrantPrompt(Path tty, Duration ttl) {
        this.tty = tty;
        this.ttl = ttl;
    }

    @Override
    public Decision decide(String session, Capability capability, String reason) {
        // One open per question: a terminal that went away between questions refuses instead of hanging.
        try (FileInputStream in = new FileInputStream(tty.toFile());
             OutputStream out = new FileOutputStream(tty.toFile(), true)) {
            out.write(("airlock: session " + session + " asks for capability " + capability.name() + " ("
                    + SandboxOptions.printable(reason) + "). Grant for " + ttl.toString().substring(2).toLowerCase()
                    + "? [y/N] ").getBytes(StandardCharsets.UTF_8));
            out.flush();
            String answer = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
            return answer != null && answer.strip().equalsIgnoreCase("y")
                    ? new Decision.Grant("operator (tty)")
                    : new Decision.Refuse("operator (tty)", "refused at the prompt");
        } catch (IOException e) {
            return new Decision.Refuse("cli", "no operator terminal (" + tty + ": " + e.getMessage()
                    + ") to ask; add an autoGrants rule to the sandbox policy if this capability should be granted");
        }
    }
}
