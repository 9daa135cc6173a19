package dev.airlock.proxy.policy;

import dev.airlock.proxy.Deny;
import dev.airlock.proxy.Destination;
import dev.airlock.proxy.HostResolver;
import dev.airlock.proxy.RouteDecision;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where a session may connect. {@link #check} is pure and cheap (names, ports, methods) and runs as soon as a
 * request head arrives; {@link #resolve} looks the name up once and checks every returned address, so the
 * address dialled is the address judged (no DNS rebinding between check and connect).
 */
public final class DestinationPolicy {
    private DestinationPolicy() {
    }

    /** Returns the normalised host when {@code method rawHost:port} may proceed to resolution, else a {@link Deny}. */
    public static Object check(GuardPolicy policy, String method, String rawHost, int port) {
        HostName host;
        try {
            host = HostName.parse(rawHost);
        } catch (HostName.IpLiteralException e) {
            return Deny.network("IP-literal destination refused", "ip-literal",
                    "connect by host name; the host must be on the session's allowlist");
        } catch (IllegalArgumentException e) {
            return new Deny(400, "invalid destination host: " + e.getMessage(), "invalid-host", null, null,
                    "send a valid DNS host name", dev.airlock.core.event.DenialKind.NETWORK);
        }
        for (HostPattern p : policy.deny()) {
            if (p.matches(host)) {
                return Deny.network("destination " + host + " is on the denylist", "deny:" + p,
                        "paste, file-sharing and request-capture sites are never reachable");
            }
        }
        boolean allowed = false;
        for (HostPattern p : policy.allow()) {
            if (p.matches(host)) {
                allowed = true;
                break;
            }
        }
        if (!allowed) {
            return Deny.network("destination " + host + " is not on the allowlist", "not-allowlisted",
                    "request capability net:" + host + " if this is needed");
        }
        if (!policy.ports().contains(port)) {
            return Deny.network("port " + port + " is not allowed", "port",
                    "only ports " + policy.ports() + " are reachable");
        }
        for (Map.Entry<HostPattern, Set<String>> e : policy.methods().entrySet()) {
            if (e.getKey().matches(host) && !e.getValue().contains(method)) {
                return Deny.network("method " + method + " is not allowed for " + host, "methods:" + e.getKey(),
                        "allowed methods for " + host + ": " + e.getValue());
            }
        }
        return host;
    }

    /** Resolves {@code host} once and checks every address; the first address is the one to dial. */
    public static RouteDecision resolve(GuardPolicy policy, HostResolver resolver, HostName host, int port) {
        List<InetAddress> addresses;
        try {
            addresses = resolver.resolve(host);
        } catch (UnknownHostException e) {
            return new Deny(502, "cannot resolve " + host, "dns", null, null, "check the host name",
                    dev.airlock.core.event.DenialKind.NETWORK);
        }
        if (addresses == null || addresses.isEmpty()) {
            return new Deny(502, "no address for " + host, "dns", null, null, "check the host name",
                    dev.airlock.core.event.DenialKind.NETWORK);
        }
        AddressPolicy addressPolicy = new AddressPolicy(policy.testOnlyAllowLoopbackUpstream());
        for (InetAddress a : addresses) {
            String range = addressPolicy.forbiddenRange(a);
            if (range != null) {
                // One bad answer taints the name: a resolver mixing public and internal answers is an attack.
                return Deny.network(host + " resolves to a forbidden address range: " + range, "address:" + range,
                        "internal, loopback and metadata addresses are never reachable");
            }
        }
        return new Destination(host, port, addresses.getFirst());
    }
}
