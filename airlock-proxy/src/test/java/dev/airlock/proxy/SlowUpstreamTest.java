package dev.airlock.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Client idleness is bounded; a slow upstream answer (an LLM thinking) is not cut off by it. */
class SlowUpstreamTest {

    @Test
    void slowUpstreamAnswerOutlivesTheClientIdleTimeout() throws Exception {
        try (GuardFixture f = new GuardFixture("", Duration.ofSeconds(1))) {
            HttpClient client = Clients.jdk(f, HttpClient.Redirect.NEVER);
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(
                    URI.create("http://api.test:" + f.http.port() + "/slow?ms=2500")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("{\"ok\":true}");
        }
    }
}
