package dev.airlock.cli.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.airlock.proxy.EgressGuard;
import dev.airlock.proxy.policy.GuardPolicy;
import dev.airlock.proxy.policy.PolicyLoader;
import dev.airlock.proxy.policy.SecretSource;
import dev.airlock.proxy.tls.CertificateAuthority;
import java.io.ByteArrayOutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The guard's control socket: opens sessions at paths of the guard's choosing, refuses anything malformed. */
class GuardControlServerTest {

    @Test
    void opensASessionSocketInItsOwnDirectoryAndRefusesBadRequests() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "gcs-");
        CertificateAuthority ca = CertificateAuthority.loadOrCreate(dir.resolve("ca"));
        GuardPolicy policy = new PolicyLoader(SecretSource.of(Map.of()))
                .parse("{\"allow\": [\"api.test\"]}".getBytes(StandardCharsets.UTF_8), "test").defaults();
        Path control = dir.resolve("c.sock");
        try (EgressGuard guard = EgressGuard.builder().ca(ca).defaults(policy).listen(null).sessionsOpenedLater()
                .eventLoopThreads(1).build().start();
             GuardControlServer server = new GuardControlServer(control, dir.resolve("s"), guard, policy)) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(control))).isEqualTo("rw-------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("s"))))
                    .isEqualTo("rwx------");

            String ok = ask(control, "{\"open\":\"s-abc\",\"canaries\":{\"aws\":\"AKIAABCDEFGHIJKLMNOP\"}}");
            assertThat(ok).isEqualTo("{\"socket\":\"" + dir.resolve("s").resolve("s-abc.sock") + "\"}");
            assertThat(dir.resolve("s").resolve("s-abc.sock")).exists();

            assertThat(ask(control, "{\"open\":\"s-abc\"}")).contains("\"error\"").contains("already open");
            assertThat(ask(control, "{\"open\":\"../../etc/x\"}")).contains("\"error\"").contains("session id");
            assertThat(ask(control, "not json")).contains("\"error\"");
            assertThat(ask(control, "{\"open\":\"s-def\",\"canaries\":{\"x\":\"short\"}}")).contains("\"error\"")
                    .doesNotContain("short");
            assertThat(dir.resolve("s").resolve("s-def.sock")).doesNotExist();
            assertThat(ask(control, "{\"open\":\"s-ghi\",\"canaries\":{\"a:b\":\"AKIAABCDEFGHIJKLMNOP\"}}"))
                    .contains("\"error\"").contains("canary names");
            assertThat(ask(control, "{\"open\":\"s-big\",\"pad\":\"" + "x".repeat(GuardControlServer.MAX_REQUEST)
                    + "\"}")).contains("\"error\"").contains("larger than");
        }
    }

    private static String ask(Path control, String line) throws Exception {
        try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            c.connect(UnixDomainSocketAddress.of(control));
            ByteBuffer out = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
            while (out.hasRemaining()) {
                c.write(out);
            }
            ByteArrayOutputStream reply = new ByteArrayOutputStream();
            ByteBuffer buf = ByteBuffer.allocate(4096);
            int n;
            while ((n = c.read(buf.clear())) > 0) {
                reply.write(buf.array(), 0, n);
            }
            return reply.toString(StandardCharsets.UTF_8).strip();
        }
    }
}
