package dev.airlock.proxy.budget;

import static org.assertj.core.api.Assertions.assertThat;

import dev.airlock.core.SessionId;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class UsageMeterTest {
    private final SessionId s = new SessionId("s1");
    private final TokenLedger ledger = new TokenLedger(1000);
    private final UsageMeter meter = new UsageMeter(ledger, s);

    /** Feeds {@code body} in chunks of {@code chunk} bytes, so lines and events straddle chunk boundaries. */
    private void respond(int status, String type, String encoding, String body, int chunk) {
        meter.head(status, type, encoding);
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < b.length; i += chunk) {
            meter.body(ByteBuffer.wrap(b, i, Math.min(chunk, b.length - i)));
        }
        meter.end();
    }

    @Test
    void anthropicJsonCountsInputCacheAndOutput() {
        respond(200, "application/json", null, """
                {"id":"msg_1","type":"message","content":[{"type":"text","text":"usage is fine"}],
                 "usage":{"input_tokens":100,"cache_creation_input_tokens":20,"cache_read_input_tokens":5,"output_tokens":40}}
                """, 7);
        assertThat(ledger.usage(s)).isEqualTo(new TokenUsage(125, 40, 0, 1000));
    }

    @Test
    void anthropicStreamCountsMessageStartAndTheLastCumulativeDelta() {
        String sse = """
                event: message_start\r
                data: {"type":"message_start","message":{"id":"m","usage":{"input_tokens":300,"output_tokens":1}}}\r
                \r
                event: content_block_delta\r
                data: {"type":"content_block_delta","delta":{"type":"text_delta","text":"\\"usage\\" hi"}}\r
                \r
                event: message_delta\r
                data: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":15}}\r
                \r
                event: message_delta\r
                data: {"type":"message_delta","usage":{"output_tokens":42}}\r
                \r
                event: message_stop\r
                data: {"type":"message_stop"}\r
                \r
                """;
        respond(200, "text/event-stream; charset=utf-8", null, sse, 5);
        assertThat(ledger.usage(s)).isEqualTo(new TokenUsage(300, 42, 0, 1000));
        // A second response on the same connection adds to the session, not to the first response's maxima.
        respond(200, "text/event-stream", "identity", sse, 4096);
        assertThat(ledger.usage(s).total()).isEqualTo(684);
        assertThat(ledger.usage(s).exhausted()).isFalse();
    }

    @Test
    void openAiChatStreamedAndResponsesApi() {
        respond(200, "application/json", null,
                "{\"choices\":[],\"usage\":{\"prompt_tokens\":50,\"completion_tokens\":7,\"total_tokens\":57}}", 3);
        assertThat(ledger.usage(s)).isEqualTo(new TokenUsage(50, 7, 0, 1000));
        respond(200, "text/event-stream", null, """
                data: {"choices":[{"delta":{"content":"x"}}],"usage":null}

                data: {"choices":[],"usage":{"prompt_tokens":10,"completion_tokens":3,"total_tokens":13}}

                data: [DONE]

                """, 11);
        assertThat(ledger.usage(s)).isEqualTo(new TokenUsage(60, 10, 0, 1000));
        respond(200, "text/event-stream", null, """
                event: response.completed
                data: {"type":"response.completed","response":{"usage":{"input_tokens":900,"output_tokens":80,"total_tokens":980}}}

                """, 64);
        assertThat(ledger.usage(s)).isEqualTo(new TokenUsage(960, 90, 0, 1000));
        assertThat(ledger.usage(s).exhausted()).isTrue();
    }

    @Test
    void whatCannotBeCountedIsRecordedAsUnmetered() {
        respond(200, "application/json", "gzip", "\u001f\u008b garbage", 16);
        respond(200, "application/json", null, "{\"usage\": not json", 16);
        StringBuilder huge = new StringBuilder("data: {\"usage\":{\"input_tokens\":5},\"pad\":\"");
        huge.append("x".repeat(UsageMeter.MAX_EVENT_BYTES)).append("\"}\n\n");
        respond(200, "text/event-stream", null, huge.toString(), 65536);
        assertThat(ledger.usage(s)).isEqualTo(new TokenUsage(0, 0, 3, 1000));
    }

    @Test
    void errorsAndOtherContentTypesAreIgnored() {
        respond(429, "application/json", null, "{\"usage\":{\"input_tokens\":5}}", 8);
        respond(200, "text/html", null, "{\"usage\":{\"input_tokens\":5}}", 8);
        respond(200, "application/json", null, "{\"usage\":{\"input_tokens\":-5,\"output_tokens\":1.5}}", 8);
        assertThat(ledger.usage(s)).isEqualTo(new TokenUsage(0, 0, 0, 1000));
    }
}
