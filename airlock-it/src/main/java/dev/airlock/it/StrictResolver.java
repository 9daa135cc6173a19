package dev.airlock.it;

import dev.airlock.proxy.HostResolver;
import dev.airlock.proxy.policy.HostName;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Resolves only the names a test maps (to loopback); never the machine's DNS. Any other query is recorded as
 * unexpected, so a test can prove that a denied name was refused by policy before anything tried to resolve it.
 */
public final class StrictResolver implements HostResolver {
    private final Map<String, InetAddress> names = new ConcurrentHashMap<>();
    public final List<String> queries = new CopyOnWriteArrayList<>();
    public final List<String> unexpected = new CopyOnWriteArrayList<>();

    public StrictResolver map(String name) {
        names.put(name, InetAddress.getLoopbackAddress());
        return this;
    }

    @Override
    public List<InetAddress> resolve(HostName host) throws UnknownHostException {
        queries.add(host.value());
        InetAddress a = names.get(host.value());
        if (a == null) {
            unexpected.add(host.value());
            throw new UnknownHostException(host.value() + " (test resolver: unexpected query)");
        }
        return List.of(a);
    }
}
