package dev.airlock.proxy.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.airlock.core.SessionId;
import dev.airlock.core.event.DenialEvent;
import dev.airlock.proxy.GuardMetrics;
import dev.airlock.proxy.SessionRegistry;
import dev.airlock.proxy.audit.AuditRecord;
import dev.airlock.proxy.policy.GuardPolicy;
import dev.airlock.proxy.policy.PolicyLoader;
import dev.airlock.proxy.policy.SecretSource;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** codec → gate on an EmbeddedChannel: what the gate answers, and what it lets through, without any socket. */
class RequestHeadGateTest {
    final List<DenialEvent> denials = new ArrayList<>();
    final List<AuditRecord> audit = new ArrayList<>();

    final GuardPolicy policy = new PolicyLoader(SecretSource.of(Map.of())).parse(
            "{\"allow\": [\"api.test\"]}".getBytes(StandardCharsets.UTF_8), "t").defaults();
    final SessionRegistry sessions = new SessionRegistry();

    EmbeddedChannel channel() {
        sessions.register(new SessionId("s1"), "token-0123456789abcdef", policy);
        GuardContext g = new GuardContext(sessions, null, null, null, null, List.of(), null, audit::add, denials::add,
                new GuardMetrics(), policy, null, 8192, 8192, 1 << 20, Duration.ofSeconds(5), Duration.ofSeconds(5),
                Duration.ofSeconds(5));
        ConnectionState st = new ConnectionState();
        return new EmbeddedChannel(ClientInitializer.codec(g), new RequestHeadGate(g, st));
    }

    static String response(EmbeddedChannel ch) {
        StringBuilder sb = new StringBuilder();
        ByteBuf b;
        while ((b = ch.readOutbound()) != null) {
            sb.append(b.toString(StandardCharsets.ISO_8859_1));
            b.release();
        }
        return sb.toString();
    }

    @Test
    void noCredentialsIs407AndTheConnectionCloses() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.copiedBuffer("GET http://api.test/ HTTP/1.1\r\nHost: api.test\r\n\r\n", StandardCharsets.ISO_8859_1));
        assertThat(response(ch)).startsWith("HTTP/1.1 407").contains("\"rule\":\"session\"");
        assertThat(ch.isOpen()).isFalse();
        assertThat(audit).singleElement().satisfies(a -> assertThat(a.status()).isEqualTo(407));
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void anAcceptedHeadIsPassedOnAndADeniedHostIsAnswered() {
        String auth = "Proxy-Authorization: Basic " + Base64.getEncoder().encodeToString("s1:token-0123456789abcdef".getBytes()) + "\r\n";
        EmbeddedChannel ok = channel();
        ok.writeInbound(Unpooled.copiedBuffer("GET http://api.test/x HTTP/1.1\r\nHost: api.test\r\n" + auth + "\r\n", StandardCharsets.ISO_8859_1));
        HttpRequest passed = ok.readInbound();
        assertThat(passed.uri()).isEqualTo("http://api.test/x");
        assertThat(response(ok)).isEmpty();
        ok.finishAndReleaseAll();

        EmbeddedChannel denied = channel();
        denied.writeInbound(Unpooled.copiedBuffer("GET http://other.test/ HTTP/1.1\r\nHost: other.test\r\n" + auth + "\r\n", StandardCharsets.ISO_8859_1));
        assertThat(response(denied)).startsWith("HTTP/1.1 403").contains("not-allowlisted");
        assertThat((Object) denied.readInbound()).isNull();
        assertThat(denials).singleElement().satisfies(d -> assertThat(d.session()).isEqualTo("s1"));
        denied.finishAndReleaseAll();
    }

    @Test
    void aKeepAliveConnectionLosesItsSessionWhenTheSessionIsClosedOrReplaced() {
        String auth = "Proxy-Authorization: Basic " + Base64.getEncoder().encodeToString("s1:token-0123456789abcdef".getBytes()) + "\r\n";
        String request = "GET http://api.test/x HTTP/1.1\r\nHost: api.test\r\n" + auth + "\r\n";
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.ISO_8859_1));
        ch.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.ISO_8859_1));
        assertThat(response(ch)).isEmpty();
        // Same id, new token: the value this connection authenticated with no longer checks out.
        sessions.register(new SessionId("s1"), "another-token-0123456789", policy);
        ch.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.ISO_8859_1));
        assertThat(response(ch)).startsWith("HTTP/1.1 407");
        ch.finishAndReleaseAll();

        sessions.register(new SessionId("s1"), "token-0123456789abcdef", policy);
        EmbeddedChannel closed = channel();
        closed.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.ISO_8859_1));
        assertThat(response(closed)).isEmpty();
        sessions.remove(new SessionId("s1"));
        closed.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.ISO_8859_1));
        assertThat(response(closed)).startsWith("HTTP/1.1 407");
        closed.finishAndReleaseAll();
    }
}
