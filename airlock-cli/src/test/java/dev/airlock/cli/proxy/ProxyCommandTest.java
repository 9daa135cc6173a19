package dev.airlock.cli.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.airlock.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProxyCommandTest {
    @Test
    void aNegativeEventLoopCountIsRefusedBeforeAnythingListens(@TempDir Path dir) throws Exception {
        Path policy = dir.resolve("policy.json");
        Files.writeString(policy, "{\"allow\": [\"api.example.com\"]}");
        StringWriter err = new StringWriter();
        var cli = Main.commandLine();
        cli.setErr(new PrintWriter(err));
        int rc = cli.execute("proxy", "--policy", policy.toString(), "--ca-dir", dir.resolve("ca").toString(),
                "--listen", "127.0.0.1:0", "--event-loops", "-1");
        assertThat(rc).isEqualTo(2);
        assertThat(err.toString()).contains("--event-loops must be >= 0");
    }
}
