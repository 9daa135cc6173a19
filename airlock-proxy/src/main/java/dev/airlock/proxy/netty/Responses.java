package dev.airlock.proxy.netty;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.airlock.core.event.DenialEvent;
import dev.airlock.core.json.Json;
import dev.airlock.proxy.Deny;
import dev.airlock.proxy.audit.AuditPaths;
import dev.airlock.proxy.audit.AuditRecord;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Block responses, denial events and audit records for refusals, written the same way everywhere. */
final class Responses {
    private Responses() {
    }

    /** Emits the denial event, counts the block and writes the audit record of a refusal (nothing is answered). */
    static void report(GuardContext g, ConnectionState st, Deny d, String requestId, String method, String host,
                       int port, String target, long startNanos) {
        String session = st.session == null ? "-" : st.session.id().value();
        boolean secretInTarget = "request-line".equals(d.where()) || "path".equals(d.where()) || "query".equals(d.where());
        String path = secretInTarget ? AuditPaths.WITHHELD : AuditPaths.redact(target);
        if (st.session != null) {
            g.denials().accept(new DenialEvent(Instant.now(), session, null, d.kind(), method == null ? "request" : method,
                    (host == null ? "?" : host + ":" + port) + (path == null ? "" : path), d.rule(), d.hint()));
        }
        g.metrics().request("deny");
        g.metrics().block(d.rule());
        g.audit().record(new AuditRecord(Instant.now(), session, requestId, "CONNECT".equals(method) ? "tunnel" : "request",
                method, host, port, path, d.status(), 0, 0,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos), "deny", d.rule()));
    }

    /** Answers {@code deny} as JSON, emits the denial event, audits and closes the connection (no desync risk). */
    static void refuse(ChannelHandlerContext ctx, GuardContext g, ConnectionState st, Deny d, String requestId,
                       String method, String host, int port, String target, long startNanos) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", d.error());
        body.put("rule", d.rule());
        body.put("confidence", d.confidence());
        body.put("where", d.where());
        body.put("requestId", requestId);
        body.put("hint", d.hint());
        byte[] json;
        try {
            json = Json.mapper().writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            json = "{\"error\":\"denied\"}".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        }
        FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(d.status()),
                Unpooled.wrappedBuffer(json));
        resp.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, json.length)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
                .set("X-Airlock-Request-Id", requestId);
        if (d.status() == 407) {
            resp.headers().set(HttpHeaderNames.PROXY_AUTHENTICATE, "Basic realm=\"airlock\"");
        }
        report(g, st, d, requestId, method, host, port, target, startNanos);
        // Answer last, so the event and the audit record exist by the time the client sees the refusal.
        ctx.channel().config().setAutoRead(false);
        ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
    }
}
