package dev.airlock.proxy.netty;

import dev.airlock.core.event.DenialEvent;
import dev.airlock.core.event.DenialKind;
import dev.airlock.proxy.audit.AuditRecord;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * First handler of an accepted CONNECT tunnel: the first bytes must be a TLS handshake record
 * ({@code 16 03 0x}). Anything else — an SSH banner, raw HTTP, a custom protocol — is refused by closing, since
 * the guard can only inspect what it can decrypt. Removes itself once satisfied.
 */
final class TlsRecordGate extends ByteToMessageDecoder {
    private final GuardContext g;
    private final ConnectionState st;

    TlsRecordGate(GuardContext g, ConnectionState st) {
        this.g = g;
        this.st = st;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (in.readableBytes() < 3) {
            return;
        }
        int i = in.readerIndex();
        boolean tls = in.getUnsignedByte(i) == 0x16 && in.getUnsignedByte(i + 1) == 0x03 && in.getUnsignedByte(i + 2) <= 0x04;
        if (tls) {
            ctx.pipeline().remove(this);
            return;
        }
        in.skipBytes(in.readableBytes());
        String session = st.session.id().value();
        String target = st.tunnel.host() + ":" + st.tunnel.port();
        g.denials().accept(new DenialEvent(Instant.now(), session, null, DenialKind.NETWORK, "CONNECT", target,
                "non-tls-tunnel", "only TLS can be tunnelled; the guard refuses protocols it cannot inspect"));
        g.metrics().request("deny");
        g.metrics().block("non-tls-tunnel");
        g.audit().record(new AuditRecord(Instant.now(), session, st.tunnelRequestId, "tunnel", "CONNECT",
                st.tunnel.host().value(), st.tunnel.port(), null, 0, 0, 0,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - st.tunnelStartNanos), "deny", "non-tls-tunnel"));
        ctx.close();
    }
}
