package dev.airlock.proxy.tls;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLException;

/**
 * The client TLS context of the guard's connections to upstreams, built at the first HTTPS request that is
 * forwarded: building it reads and parses the system trust store (about a tenth of a second of CPU at start), which a
 * guard whose agent never reaches an upstream should not pay. Endpoint identification is always on. A context that
 * cannot be built is not remembered: every forward that needs it fails (the request is refused), none goes unverified.
 */
public final class UpstreamTls {
    private final X509Certificate[] trust;
    private volatile SslContext context;

    /** @param trust the certificates to trust instead of the system trust store (tests with a local upstream), or null */
    public UpstreamTls(X509Certificate[] trust) {
        this.trust = trust == null ? null : trust.clone();
    }

    public SslContext context() throws SSLException {
        SslContext c = context;
        if (c == null) {
            synchronized (this) {
                c = context;
                if (c == null) {
                    SslContextBuilder b = SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
                            .endpointIdentificationAlgorithm("HTTPS");
                    if (trust != null) {
                        b.trustManager(trust);
                    }
                    c = b.build();
                    context = c;
                }
            }
        }
        return c;
    }
}
