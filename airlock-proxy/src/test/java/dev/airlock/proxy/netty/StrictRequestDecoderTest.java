package dev.airlock.proxy.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The strict decoder on an EmbeddedChannel, fed byte by byte where splitting matters. */
class StrictRequestDecoderTest {

    private static HttpRequest firstRequest(String raw, boolean byteByByte) {
        EmbeddedChannel ch = new EmbeddedChannel(new StrictRequestDecoder(8192, 8192));
        byte[] bytes = raw.getBytes(StandardCharsets.ISO_8859_1);
        if (byteByByte) {
            for (byte b : bytes) {
                ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
            }
        } else {
            ch.writeInbound(Unpooled.wrappedBuffer(bytes));
        }
        HttpRequest req = null;
        Object o;
        while ((o = ch.readInbound()) != null) {
            if (o instanceof HttpRequest r && req == null) {
                req = r;
            }
            if (o instanceof HttpContent c) {
                c.release();
            }
        }
        ch.finishAndReleaseAll();
        return req;
    }

    @Test
    void obsFoldFailsEvenWhenTheFoldArrivesInItsOwnPacket() {
        String folded = "GET / HTTP/1.1\r\nHost: a.test\r\nX: one\r\n two\r\n\r\n";
        assertThat(firstRequest(folded, false).decoderResult().isFailure()).isTrue();
        assertThat(firstRequest(folded, true).decoderResult().isFailure()).isTrue();
    }

    @Test
    void foldDetectionIgnoresBodiesAndLaterRequests() {
        String body = "POST / HTTP/1.1\r\nHost: a.test\r\nContent-Length: 6\r\n\r\n\r\n abc";
        assertThat(firstRequest(body, false).decoderResult().isSuccess()).isTrue();
        EmbeddedChannel ch = new EmbeddedChannel(new StrictRequestDecoder(8192, 8192));
        ch.writeInbound(Unpooled.copiedBuffer(body + "GET /2 HTTP/1.1\r\nHost: a.test\r\n\r\n", StandardCharsets.ISO_8859_1));
        int ok = 0;
        Object o;
        while ((o = ch.readInbound()) != null) {
            if (o instanceof HttpRequest r) {
                assertThat(r.decoderResult().isSuccess()).as(r.uri()).isTrue();
                ok++;
            }
            if (o instanceof LastHttpContent || o instanceof HttpContent) {
                ((HttpContent) o).release();
            }
        }
        assertThat(ok).isEqualTo(2);
        ch.finishAndReleaseAll();
    }

    @Test
    void contentLengthWithTransferEncodingFails() {
        String both = "POST / HTTP/1.1\r\nHost: a.test\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n";
        assertThat(firstRequest(both, false).decoderResult().isFailure()).isTrue();
    }
}
