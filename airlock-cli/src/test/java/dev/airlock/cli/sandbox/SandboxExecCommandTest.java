package dev.airlock.cli.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.airlock.cli.Main;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SandboxExecCommandTest {
    @TempDir
    Path ws;

    @Test
    void exitCodeOfTheCommandAndEventsToFile() throws Exception {
        Path events = ws.resolve("events.jsonl");
        Path work = Files.createDirectories(ws.resolve("w"));
        int rc = Main.commandLine().execute("sandbox", "exec", "--workspace", work.toString(), "--events", events.toString(),
                "--guard-ca-dir", ws.resolve("ca").toString(),
                "--", "sh", "-c", "echo x > /etc/passwd; exit 3");
        assertThat(rc).isEqualTo(3);
        assertThat(Files.readString(events)).contains("\"kind\":\"FILESYSTEM\"").contains("Read-only file system");
    }

    @Test
    void sandboxThatCannotBeBuiltExits125(@TempDir Path dir) throws Exception {
        Path policy = dir.resolve("p.json");
        Files.writeString(policy, "{\"bwrap\": \"/nonexistent/bwrap\"}");
        int rc = Main.commandLine().execute("sandbox", "exec", "--workspace", ws.toString(), "--policy", policy.toString(),
                "--no-network", "--", "true");
        assertThat(rc).isEqualTo(125);
    }

    @Test
    void badPolicyExits2(@TempDir Path dir) throws Exception {
        Path policy = dir.resolve("p.json");
        Files.writeString(policy, "{\"memoryByte\": 5}");
        int rc = Main.commandLine().execute("sandbox", "exec", "--workspace", ws.toString(), "--policy", policy.toString(),
                "--no-network", "--", "true");
        assertThat(rc).isEqualTo(2);
    }
}
