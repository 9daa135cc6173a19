package dev.airlock.drop.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the real store cannot be made to do (PresignedAccessTest covers the store's own refusals): a body cut short,
 * a redirect, an answer larger than the cap. Each fails closed with a message that names the object, never the query.
 */
class PresignedTransferTest {
    private static final String QUERY = "?X-Amz-Date=20260101T000000Z&X-Amz-Expires=600&X-Amz-Signature="
            + "c".repeat(64);
    private HttpServer server;
    private final PresignedTransfer transfer = new PresignedTransfer(Duration.ofSeconds(10));

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/short", exchange -> {
            exchange.sendResponseHeaders(200, 1000);
            exchange.getResponseBody().write(new byte[400]);
            exchange.getResponseBody().flush();
            exchange.close();
        });
        server.createContext("/redirect", exchange -> {
            exchange.getResponseHeaders().add("Location", "http://127.0.0.1:9/elsewhere" + QUERY);
            exchange.sendResponseHeaders(307, -1);
            exchange.close();
        });
        server.createContext("/big", exchange -> {
            exchange.sendResponseHeaders(200, 5000);
            exchange.getResponseBody().write(new byte[5000]);
            exchange.close();
        });
        server.createContext("/denied", exchange -> {
            byte[] body = ("<?xml version=\"1.0\"?><Error><Code>AccessDenied</Code><Message>Request has expired"
                    + "</Message><Signature>c</Signature></Error>").getBytes();
            exchange.sendResponseHeaders(403, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private PresignedUrl url(String method, String path) {
        return PresignedUrl.parse(method, "http://127.0.0.1:" + server.getAddress().getPort() + path + QUERY, "object");
    }

    @Test
    void aBodyCutShortThrowsInsteadOfEndingEarly() throws IOException {
        assertThatThrownBy(() -> transfer.download(url("GET", "/short"), 1 << 20))
                .isInstanceOf(IOException.class).hasMessageContaining("object").hasMessageNotContaining("X-Amz");
        try (InputStream in = transfer.open(url("GET", "/short"), 1 << 20)) {
            assertThatThrownBy(in::readAllBytes).isInstanceOf(IOException.class);
        }
    }

    @Test
    void redirectsAreNotFollowedAndCapsHold() {
        assertThatThrownBy(() -> transfer.download(url("GET", "/redirect"), 1 << 20))
                .isInstanceOfSatisfying(PresignedTransfer.TransferException.class,
                        e -> assertThat(e.status()).isEqualTo(307));
        assertThatThrownBy(() -> transfer.download(url("GET", "/big"), 4096))
                .hasMessageContaining("exceeds 4096 bytes");
        assertThatThrownBy(() -> transfer.upload(url("GET", "/big"), new byte[1]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRefusalNamesTheStoresCodeAndThatTheUrlExpired() {
        // QUERY's URL was signed on 2026-01-01 for ten minutes: long expired.
        assertThatThrownBy(() -> transfer.upload(url("PUT", "/denied"), new byte[10]))
                .isInstanceOfSatisfying(PresignedTransfer.TransferException.class, e -> {
                    assertThat(e.status()).isEqualTo(403);
                    assertThat(e.getMessage()).contains("PUT object").contains("HTTP 403 (AccessDenied: Request has "
                            + "expired)").contains("the URL expired at 2026-01-01T00:10:00Z").doesNotContain("X-Amz");
                });
    }

    @Test
    void parseReadsTheExpiryTheStoreEnforcesAndRefusesWhatIsNotPresigned() {
        PresignedUrl u = url("GET", "/x");
        assertThat(u.expiresAt()).isEqualTo(Instant.parse("2026-01-01T00:10:00Z"));
        assertThat(u.toString()).doesNotContain("Signature");
        for (String bad : new String[] {"http://127.0.0.1/x", "http://127.0.0.1/x?X-Amz-Date=2026&X-Amz-Expires=1"
                + "&X-Amz-Signature=c", "http://127.0.0.1/x?X-Amz-Date=20260101T000000Z&X-Amz-Expires=0"
                + "&X-Amz-Signature=c", "file:///etc/passwd?X-Amz-Date=20260101T000000Z&X-Amz-Expires=1"
                + "&X-Amz-Signature=c", "http://[bad"}) {
            assertThatThrownBy(() -> PresignedUrl.parse("GET", bad, "object")).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("X-Amz-Signature=c");
        }
        assertThat(URI.create(u.uri().toString())).isEqualTo(u.uri());
    }
}
