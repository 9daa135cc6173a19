package dev.airlock.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The network hook: calls reach a stand-in guard (a Unix socket server on the host that answers every request itself
 * and dials nothing) only through the in-sandbox bridge at 127.0.0.1:PORT, with proxy and CA variables set.
 */
class GuardBridgeTest {
    @TempDir
    Path dir;

    @Test
    void proxyVariablesLeadThroughTheBridgeToTheGuardSocket() throws Exception {
        Path sock = dir.resolve("guard.sock");
        Path ca = dir.resolve("ca.pem");
        try (InputStream in = getClass().getResourceAsStream("/test-guard-ca.pem")) {
            Files.write(ca, in.readAllBytes());
        }
        List<String> requests = new CopyOnWriteArrayList<>();
        Path ws = Files.createDirectories(dir.resolve("ws"));
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(sock));
            Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        try (SocketChannel c = server.accept()) {
                            ByteBuffer buf = ByteBuffer.allocate(4096);
                            c.read(buf);
                            String req = new String(buf.array(), 0, buf.position(), StandardCharsets.ISO_8859_1);
                            requests.add(req.lines().findFirst().orElse(""));
                            c.write(ByteBuffer.wrap("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nguard"
                                    .getBytes(StandardCharsets.ISO_8859_1)));
                        }
                    }
                } catch (Exception ignored) {
                    // server closed at the end of the test
                }
            });
            try (SandboxSession s = SandboxSession.builder(SandboxPolicy.defaults(), ws)
                    .guard(new GuardEndpoint(sock, ca, 3128)).open()) {
                ExecResult r = s.exec("curl", "-sS", "-m", "5", "http://api.example.test/v1/ping");
                assertThat(r.stdoutText()).as(r.stderrText()).isEqualTo("guard");
                assertThat(requests).anyMatch(l -> l.startsWith("GET http://api.example.test/v1/ping"));
                ExecResult env = s.exec("sh", "-c", "echo $HTTPS_PROXY $SSL_CERT_FILE; head -1 $SSL_CERT_FILE; ls /etc/airlock");
                assertThat(env.stdoutText()).contains("http://127.0.0.1:3128 /etc/airlock/guard-ca.pem")
                        .contains("BEGIN CERTIFICATE").contains("guard-truststore.p12");
                // Bypassing the proxy still finds no route: UDP connect sends nothing.
                ExecResult bypass = s.exec("python3", "-c", "import socket\ns=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\n"
                        + "try:\n  s.connect(('192.0.2.1',53)); print('route')\nexcept OSError as e:\n  print(e.errno)");
                assertThat(bypass.stdoutText().strip()).isEqualTo("101");
            }
        }
    }
}
