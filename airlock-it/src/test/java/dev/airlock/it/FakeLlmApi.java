package dev.airlock.it;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Loopback stand-ins for the LLM APIs: a {@link LoopbackUpstream} that answers every request with a server-sent-event
 * stream in the provider's documented shape, usage included, flushed event by event (so the guard sees it in chunks).
 */
final class FakeLlmApi {
    private FakeLlmApi() {
    }

    static LoopbackUpstream.Responder streaming(List<String> events) {
        return (ctx, req) -> {
            HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                    .set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            ctx.write(head);
            for (String e : events) {
                ctx.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer(e, StandardCharsets.UTF_8)));
            }
            ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        };
    }

    /** Anthropic Messages API streaming: message_start (input usage), deltas, cumulative message_delta usage. */
    static List<String> anthropicStream(int input, int output) {
        return List.of(
                "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"role\":\"assistant\","
                        + "\"usage\":{\"input_tokens\":" + input + ",\"output_tokens\":1}}}\n\n",
                "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
                        + "\"delta\":{\"type\":\"text_delta\",\"text\":\"Fixed.\"}}\n\n",
                "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":null},"
                        + "\"usage\":{\"output_tokens\":" + (output / 2) + "}}\n\n",
                "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},"
                        + "\"usage\":{\"output_tokens\":" + output + "}}\n\n",
                "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
    }

    /** OpenAI Responses API streaming: usage in response.completed. */
    static List<String> openAiResponsesStream(int input, int output) {
        return List.of(
                "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"delta\":\"Fixed.\"}\n\n",
                "event: response.completed\ndata: {\"type\":\"response.completed\",\"response\":{\"id\":\"resp_1\","
                        + "\"usage\":{\"input_tokens\":" + input + ",\"output_tokens\":" + output + ",\"total_tokens\":"
                        + (input + output) + "}}}\n\n");
    }
}
