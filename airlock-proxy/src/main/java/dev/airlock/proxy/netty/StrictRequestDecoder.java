package dev.airlock.proxy.netty;

import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequestDecoder;

/**
 * Netty's request decoder, configured strictly (bare-LF lines refused, duplicate Content-Length refused, header
 * and line sizes bounded) and with one change: a message carrying both {@code Transfer-Encoding: chunked} and
 * {@code Content-Length} is a decode failure instead of silently preferring one framing — the classic CL.TE /
 * TE.CL smuggling setup. The failed message reaches {@link RequestHeadGate}, which answers 400 and closes.
 *
 * <pre>{@code p.addLast("codec", new CombinedChannelDuplexHandler<>(new StrictRequestDecoder(..), new HttpResponseEncoder()))}</pre>
 */
public final class StrictRequestDecoder extends HttpRequestDecoder {

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
    protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
        throw new IllegalArgumentException("both Transfer-Encoding and Content-Length present (request smuggling)");
    }
}
