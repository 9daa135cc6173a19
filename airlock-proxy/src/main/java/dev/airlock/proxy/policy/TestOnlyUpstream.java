package dev.airlock.proxy.policy;

import dev.airlock.proxy.HostResolver;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;

/**
 * Test-only wiring of a guard PROCESS to loopback stand-ins for real APIs, from the policy file: {@code
 * testOnlyResolve} names the only host names the guard resolves, each to a loopback address (every other name fails
 * to resolve — the machine's DNS is never asked), and {@code testOnlyUpstreamTrust} is a PEM file of certificates
 * trusted for upstream TLS instead of the system trust store. Both need {@code testOnlyAllowLoopbackUpstream}; a
 * guard started with either prints a warning. Never in production: it is how end-to-end tests reach a fake LLM API
 * named {@code api.anthropic.com} without any packet leaving the machine.
 *
 * @param names host name → loopback address
 * @param trust certificates trusted for upstream TLS; empty = the system trust store
 */
public record TestOnlyUpstream(Map<String, InetAddress> names, List<X509Certificate> trust) {
    public TestOnlyUpstream {
        names = Map.copyOf(names);
        trust = List.copyOf(trust);
        for (Map.Entry<String, InetAddress> e : names.entrySet()) {
            if (!e.getValue().isLoopbackAddress()) {
                throw new PolicyException("testOnlyResolve: " + e.getKey() + " must map to a loopback address, not "
                        + e.getValue().getHostAddress());
            }
        }
    }

    /** Resolves only the mapped names; any other name is unknown (no DNS query is ever sent). */
    public HostResolver resolver() {
        return host -> {
            InetAddress a = names.get(host.value());
            if (a == null) {
                throw new UnknownHostException(host.value() + " (testOnlyResolve maps no address to it)");
            }
            return List.of(a);
        };
    }

    /** Reads the certificates of a PEM file ({@code testOnlyUpstreamTrust}). */
    static List<X509Certificate> readTrust(Path pem) {
        try (InputStream in = Files.newInputStream(pem)) {
            List<X509Certificate> out = CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
                    .map(X509Certificate.class::cast).toList();
            if (out.isEmpty()) {
                throw new PolicyException("testOnlyUpstreamTrust: " + pem + " holds no certificate");
            }
            return out;
        } catch (IOException | GeneralSecurityException e) {
            throw new PolicyException("testOnlyUpstreamTrust: cannot read certificates from " + pem + ": "
                    + e.getMessage());
        }
    }

    /** The start-up warning. */
    public String warning() {
        return "testOnlyResolve " + names.keySet() + (trust.isEmpty() ? "" : ", testOnlyUpstreamTrust ("
                + trust.size() + " certificate(s))") + ": the guard reaches loopback stand-ins; never use outside tests";
    }
}
