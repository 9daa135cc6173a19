package dev.airlock.proxy.netty;

import dev.airlock.core.event.DenialEvent;
import dev.airlock.proxy.GuardMetrics;
import dev.airlock.proxy.Interceptor;
import dev.airlock.proxy.HostResolver;
import dev.airlock.proxy.SessionRegistry;
import dev.airlock.proxy.UpstreamConnector;
import dev.airlock.proxy.audit.AuditSink;
import dev.airlock.proxy.policy.GuardPolicy;
import dev.airlock.proxy.tls.CertificateAuthority;
import dev.airlock.proxy.tls.UpstreamTls;
import io.netty.channel.Channel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;

/**
 * Everything the per-connection handlers share: immutable wiring, built once by
 * {@link dev.airlock.proxy.EgressGuard}.
 *
 * @param maxBodyBytes        aggregation cap for every connection (per-session caps are checked on Content-Length)
 * @param idleTimeout         a connection silent this long is closed (slowloris bound)
 * @param requestTimeout      a request must arrive completely within this time of its first byte
 * @param scanBackstop        hard limit for one request's interceptor chain; exceeding it blocks
 */
public record GuardContext(
        SessionRegistry sessions,
        CertificateAuthority ca,
        HostResolver resolver,
        UpstreamConnector connector,
        UpstreamTls upstreamTls,
        List<Interceptor> interceptors,
        ExecutorService workers,
        AuditSink audit,
        Consumer<DenialEvent> denials,
        GuardMetrics metrics,
        GuardPolicy defaults,
        Class<? extends Channel> upstreamChannelType,
        int maxInitialLineLength,
        int maxHeaderSize,
        long maxBodyBytes,
        Duration idleTimeout,
        Duration requestTimeout,
        Duration scanBackstop) {
}
