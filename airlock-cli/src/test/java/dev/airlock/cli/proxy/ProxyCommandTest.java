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

    @Test
    void aCaKeyOfAnotherCaIsRefusedNamingTheFilesAndTheWayOut(@TempDir Path dir) throws Exception {
        Path policy = dir.resolve("policy.json");
        Files.writeString(policy, "{\"allow\": [\"api.example.com\"]}");
        Path caDir = dir.resolve("ca");
        assertThat(run(dir, "proxy", "--policy", policy.toString(), "--ca-dir", caDir.toString(), "--export-ca").rc)
                .isZero();
        assertThat(run(dir, "proxy", "--policy", policy.toString(), "--ca-dir", dir.resolve("other").toString(),
                "--export-ca").rc).isZero();
        Files.copy(dir.resolve("other").resolve("ca.key"), caDir.resolve("ca.key"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Result r = run(dir, "proxy", "--policy", policy.toString(), "--ca-dir", caDir.toString(), "--listen", "127.0.0.1:0");
        assertThat(r.rc).isEqualTo(2);
        assertThat(r.err).contains("cannot load or create the CA in " + caDir)
                .contains(caDir.resolve("ca.key") + " does not match " + caDir.resolve("ca.pem"))
                .contains("airlock proxy --export-ca --ca-dir " + caDir);
    }

    @Test
    void anAddressThatCannotBeBoundIsARefusalNotAStackTrace(@TempDir Path dir) throws Exception {
        Path policy = dir.resolve("policy.json");
        Files.writeString(policy, "{\"allow\": [\"api.example.com\"]}");
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Result r = run(dir, "proxy", "--policy", policy.toString(), "--ca-dir", dir.resolve("ca").toString(),
                    "--listen", "127.0.0.1:" + taken.getLocalPort());
            assertThat(r.rc).isEqualTo(2);
            assertThat(r.err).contains("airlock proxy: refusing to start: ").doesNotContain("\tat ");
        }
    }

    private record Result(int rc, String err) {
    }

    private static Result run(Path dir, String... args) {
        StringWriter err = new StringWriter();
        var cli = Main.commandLine();
        cli.setErr(new PrintWriter(err));
        cli.setOut(new PrintWriter(new StringWriter()));
        int rc = cli.execute(args);
        return new Result(rc, err.toString());
    }
}
