package dev.airlock.sandbox;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How a session reaches the egress guard: the guard's per-session Unix socket on the host (bind-mounted at
 * {@code /run/airlock/guard.sock}), the guard's CA certificate (PEM, mounted at {@code /etc/airlock/guard-ca.pem}),
 * and the loopback port inside the sandbox where the supervisor's bridge listens. Without an endpoint the sandbox has
 * no way out at all.
 */
public record GuardEndpoint(Path socket, Path caCertificate, int port) {
    static final String SOCKET_INSIDE = "/run/airlock/guard.sock";
    static final String CA_INSIDE = "/etc/airlock/guard-ca.pem";
    static final String TRUSTSTORE_INSIDE = "/etc/airlock/guard-truststore.p12";

    public GuardEndpoint {
        Objects.requireNonNull(socket, "socket");
        Objects.requireNonNull(caCertificate, "caCertificate");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535");
        }
    }

    /** The proxy and CA variables every call gets, so ordinary tools use the guard without configuration. */
    Map<String, String> environment() {
        String proxy = "http://127.0.0.1:" + port;
        Map<String, String> m = new LinkedHashMap<>();
        for (String name : new String[]{"HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"}) {
            m.put(name, proxy);
        }
        m.put("NO_PROXY", "localhost,127.0.0.1,::1");
        m.put("no_proxy", "localhost,127.0.0.1,::1");
        for (String name : new String[]{"SSL_CERT_FILE", "NODE_EXTRA_CA_CERTS", "REQUESTS_CA_BUNDLE", "GIT_SSL_CAINFO", "CURL_CA_BUNDLE"}) {
            m.put(name, CA_INSIDE);
        }
        m.put("JAVA_TOOL_OPTIONS", "-Djavax.net.ssl.trustStore=" + TRUSTSTORE_INSIDE
                + " -Djavax.net.ssl.trustStoreType=PKCS12 -Djavax.net.ssl.trustStorePassword=airlock"
                + " -Dhttp.proxyHost=127.0.0.1 -Dhttp.proxyPort=" + port
                + " -Dhttps.proxyHost=127.0.0.1 -Dhttps.proxyPort=" + port);
        return m;
    }
}
