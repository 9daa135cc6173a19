package dev.airlock.proxy.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.List;

/**
 * Netty's request decoder, configured strictly (bare-LF lines refused, duplicate Content-Length refused, header
 * and line sizes bounded) with two additions that Netty tolerates and a smuggling-safe proxy must not:
 * <ul>
 *   <li>a message with both {@code Transfer-Encoding} and {@code Content-Length} fails (CL.TE / TE.CL);</li>
 *   <li>obsolete line folding (a header line starting with SP or HT) fails, found by watching the raw head bytes
 *       — Netty silently joins folded lines, which a downstream server may read differently.</li>
 * </ul>
 * Failed messages reach {@link RequestHeadGate}, which answers 400 and closes.
 *
 * <pre>{@code p.addLast("codec", new CombinedChannelDuplexHandler<>(new StrictRequestDecoder(..), new HttpResponseEncoder()))}</pre>
 */
public final class StrictRequestDecoder extends HttpRequestDecoder {
    // Raw head scanner state; positions are absolute byte counts on this connection.
    private boolean inHead = true;
    private boolean firstLine = true;
    private boolean atLineStart = true;
    private boolean lineHasContent;
    private boolean folded;
    private long consumed;
    private long scanned;

    public StrictRequestDecoder(int maxInitialLineLength, int maxHeaderSize) {
        super(new HttpDecoderConfig()
                .setMaxInitialLineLength(maxInitialLineLength)
                .setMaxHeaderSize(maxHeaderSize)
                .setMaxChunkSize(16 * 1024)
                .setAllowDuplicateContentLengths(false)
                .setStrictLineParsing(true)
                .setAllowPartialChunks(true)
                .setValidateHeaders(true));
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        int before = in.readerIndex();
        if (inHead) {
            scanHead(in);
        }
        int produced = out.size();
        super.decode(ctx, in, out);
        consumed += in.readerIndex() - before;
        for (int i = produced; i < out.size(); i++) {
            Object o = out.get(i);
            if (o instanceof HttpRequest req && folded && req.decoderResult().isSuccess()) {
                req.setDecoderResult(DecoderResult.failure(new IllegalArgumentException("obsolete line folding in headers")));
            }
            if (o instanceof HttpRequest) {
                folded = false;
            }
            if (o instanceof LastHttpContent) {
                inHead = true;
                firstLine = true;
                atLineStart = true;
                lineHasContent = false;
                scanned = Math.max(scanned, consumed);
            }
        }
    }

    private void scanHead(ByteBuf in) {
        long start = Math.max(scanned, consumed);
        int from = in.readerIndex() + (int) (start - consumed);
        int to = in.writerIndex();
        int i = from;
        for (; i < to && inHead; i++) {
            byte b = in.getByte(i);
            if (b == '\n') {
                if (!lineHasContent && !firstLine) {
                    inHead = false; // empty line: end of head; what follows is body
                } else if (lineHasContent) {
                    firstLine = false;
                }
                atLineStart = true;
                lineHasContent = false;
            } else if (b != '\r') {
                if (atLineStart && !firstLine && (b == ' ' || b == '\t')) {
                    folded = true;
                }
                atLineStart = false;
                lineHasContent = true;
            }
        }
        scanned = consumed + (i - in.readerIndex());
    }

    @Override
    protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
        throw new IllegalArgumentException("both Transfer-Encoding and Content-Length present (request smuggling)");
    }
}
